// React.lazy remembers a failed import for good: one dropped connection while a screen's chunk loads would blank that
// screen until a reload. Here a failed load is remembered only until the error boundary's Retry calls
// `forgetFailedLoads`, and the next render imports the chunk again. (Forgetting at once would retry in a tight loop and
// never reach the boundary.)
import { type ComponentType, use } from 'react';

const resets = new Set<() => void>();

/** Retry: failed screen loads are tried again on their next render. */
export function forgetFailedLoads(): void {
  for (const reset of resets) reset();
}

export function lazyScreen<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> & { preload: () => void } {
  let loaded: ComponentType<P> | null = null;
  let pending: Promise<ComponentType<P>> | null = null;
  let failed = false;
  resets.add(() => {
    if (failed) {
      pending = null;
      failed = false;
    }
  });
  const start = () => {
    pending ??= load().then(
      (component) => {
        loaded = component;
        return component;
      },
      (error: unknown) => {
        failed = true;
        throw error;
      },
    );
    return pending;
  };
  // biome-ignore lint/correctness/noComponentHookFactories: made once per screen at module level, like React.lazy.
  function LazyScreen(props: P) {
    const Component = loaded ?? use(start());
    return <Component {...props} />;
  }
  // A prefetch that fails is forgotten at once (nobody is waiting on it); a screen that needs it loads it again.
  const preload = () =>
    void start().catch(() => {
      pending = null;
      failed = false;
    });
  return Object.assign(LazyScreen, { preload });
}
