// The language is shared with the bot (issue 17's /language): a choice stored on the server wins over what this device
// remembered, so a seller who switched language in the bot, or on another phone, opens the app in it.
import { useEffect } from 'react';
import { useMe } from '../api/queries.ts';
import { chooseLanguage, chosenLanguage } from '../i18n/language-store.ts';

export function useServerLanguage(): void {
  const chosen = useMe().data?.chosenLanguage;
  useEffect(() => {
    if (chosen && chosen !== chosenLanguage()) chooseLanguage(chosen);
  }, [chosen]);
}
