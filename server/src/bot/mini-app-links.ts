// Where the bot's buttons open the Mini App. Its screens are path routes (miniapp/src/router/routes.ts).

export interface MiniAppLinks {
  home(): string;
  keys(): string;
  task(taskId: string): string;
  credits(): string;
}

/** `base` is read on every use: in development the server learns its port only once it listens. */
export function miniAppLinks(base: () => string): MiniAppLinks {
  const at = (path: string) => `${base().replace(/\/+$/, '')}${path}`;
  return {
    home: () => at('/'),
    keys: () => at('/keys'),
    task: (taskId) => at(`/tasks/${taskId}`),
    credits: () => at('/credits?paywall=1'),
  };
}
