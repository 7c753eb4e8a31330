import { Migration } from '@mikro-orm/migrations';

/**
 * Per-user caps enforced by PostgreSQL itself (issue 14): a count-then-insert in the service let concurrent requests
 * through (919 active tasks for one user, 12 keys of one kind). Each trigger takes a transaction-scoped advisory lock per
 * user, so concurrent inserts for one user queue up and every count sees the rows committed before it; a violation is a
 * check_violation naming the cap (server/src/db/constraint-errors.ts maps it to TASK_LIMIT / KEY_LIMIT).
 * The advisory lock classes 7420001/7420002 are used nowhere else.
 */
export class Migration20261202000000_user_caps extends Migration {
  override name = 'Migration20261202000000_user_caps';

  override up(): void | Promise<void> {
    this.addSql(`create or replace function slotpilot_active_task_cap() returns trigger language plpgsql as $$
begin
  perform pg_advisory_xact_lock(7420001, hashtext(new.user_id::text));
  if (select count(*) from monitoring_tasks where user_id = new.user_id and state <> 'done') >= 50 then
    raise exception 'user % already has 50 active tasks', new.user_id
      using errcode = 'check_violation', constraint = 'monitoring_tasks_active_limit';
  end if;
  return new;
end $$;`);
    this.addSql(`create trigger monitoring_tasks_active_limit before insert on monitoring_tasks
  for each row when (new.state <> 'done') execute function slotpilot_active_task_cap();`);

    this.addSql(`create or replace function slotpilot_credential_cap() returns trigger language plpgsql as $$
begin
  perform pg_advisory_xact_lock(7420002, hashtext(new.user_id::text));
  if (select count(*) from credentials where user_id = new.user_id and kind = new.kind) >= 5 then
    raise exception 'user % already has 5 credentials of kind %', new.user_id, new.kind
      using errcode = 'check_violation', constraint = 'credentials_per_kind_limit';
  end if;
  return new;
end $$;`);
    this.addSql(`create trigger credentials_per_kind_limit before insert on credentials
  for each row execute function slotpilot_credential_cap();`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop trigger if exists credentials_per_kind_limit on credentials;`);
    this.addSql(`drop function if exists slotpilot_credential_cap();`);
    this.addSql(`drop trigger if exists monitoring_tasks_active_limit on monitoring_tasks;`);
    this.addSql(`drop function if exists slotpilot_active_task_cap();`);
  }
}
