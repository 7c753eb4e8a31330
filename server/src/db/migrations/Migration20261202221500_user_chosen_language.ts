import { Migration } from '@mikro-orm/migrations';

export class Migration20261202221500_user_chosen_language extends Migration {

  override name = 'Migration20261202221500_user_chosen_language';

  override up(): void | Promise<void> {
    this.addSql(`alter table "users" add "chosen_language" text null;`);
    this.addSql(`alter table "users" add constraint "users_chosen_language_check" check ("chosen_language" in ('ru', 'en'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "users" drop constraint "users_chosen_language_check";`);
    this.addSql(`alter table "users" drop column "chosen_language";`);
  }

}
