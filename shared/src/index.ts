export * from './calendar.ts';
export * from './domain.ts';
export * from './errors.ts';
export * from './keys.ts';
export * from './language.ts';
export * from './slots.ts';
export * from './tasks.ts';
export * from './user.ts';
