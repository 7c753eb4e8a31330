export * from './domain.ts';
export * from './errors.ts';
export * from './language.ts';
export * from './user.ts';
export * from './calendar.ts';
export * from './keys.ts';
export * from './slots.ts';
