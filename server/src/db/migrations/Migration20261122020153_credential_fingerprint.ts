import { Migration } from '@mikro-orm/migrations';

export class Migration20261122020153_credential_fingerprint extends Migration {

  override name = 'Migration20261122020153_credential_fingerprint';

  override up(): void | Promise<void> {
    this.addSql(`alter table "credentials" add "fingerprint" varchar(64) not null;`);
    this.addSql(`alter table "credentials" add constraint "credentials_user_id_fingerprint_unique" unique ("user_id", "fingerprint");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "credentials" drop constraint "credentials_user_id_fingerprint_unique";`);
    this.addSql(`alter table "credentials" drop column "fingerprint";`);
  }

}
