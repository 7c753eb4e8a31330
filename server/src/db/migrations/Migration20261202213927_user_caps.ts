import { Migration } from '@mikro-orm/migrations';

// Per-user caps held by PostgreSQL (issue 14): the triggers declared on MonitoringTask and Credential.

export class Migration20261202213927_user_caps extends Migration {

  override name = 'Migration20261202213927_user_caps';

  override up(): void | Promise<void> {
    this.addSql(`create or replace function "monitoring_tasks_monitoring_tasks_active_limit_fn"() returns trigger as \$\$ begin if new.state = 'done' then return new; end if; perform pg_advisory_xact_lock(7420001, hashtext(new.user_id::text)); if (select count(*) from monitoring_tasks where user_id = new.user_id and state <> 'done') >= 50 then raise exception 'user % already has 50 active tasks', new.user_id using errcode = 'check_violation', constraint = 'monitoring_tasks_active_limit'; end if; return new; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "monitoring_tasks_active_limit" BEFORE INSERT on "monitoring_tasks" for each ROW execute function "monitoring_tasks_monitoring_tasks_active_limit_fn"();`);

    this.addSql(`create or replace function "credentials_credentials_per_kind_limit_fn"() returns trigger as \$\$ begin perform pg_advisory_xact_lock(7420002, hashtext(new.user_id::text)); if (select count(*) from credentials where user_id = new.user_id and kind = new.kind) >= 5 then raise exception 'user % already has 5 credentials of kind %', new.user_id, new.kind using errcode = 'check_violation', constraint = 'credentials_per_kind_limit'; end if; return new; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "credentials_per_kind_limit" BEFORE INSERT on "credentials" for each ROW execute function "credentials_credentials_per_kind_limit_fn"();`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop trigger if exists "credentials_per_kind_limit" on "credentials";`);
    this.addSql(`drop function if exists "credentials_credentials_per_kind_limit_fn"();`);

    this.addSql(`drop trigger if exists "monitoring_tasks_active_limit" on "monitoring_tasks";`);
    this.addSql(`drop function if exists "monitoring_tasks_monitoring_tasks_active_limit_fn"();`);
  }

}
