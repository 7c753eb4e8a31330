// The insight line's pure helpers live in shared (the bot's /new says the same words); re-exported for the Mini App.
export * from '@slotpilot/shared/insight-words';
