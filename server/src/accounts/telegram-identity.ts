/** Who Telegram says the user is (from validated init data or a bot update). */
export interface TelegramIdentity {
  id: number;
  firstName: string;
  lastName?: string | undefined;
  username?: string | undefined;
  languageCode?: string | undefined;
}
