// WB's official coefficients, warehouses and acceptance-options methods have answered "temporarily disabled" since
// 2026-08-15 (release note 570), so the sandbox serves them that way by default; POST /__sandbox/official turns them
// back on for tests of the day WB restores them. Ping, seller-info and supplies are untouched.
import type { OfficialEndpoint } from '../wb/endpoints.ts';

export const SWITCHED_OFFICIAL_METHODS = ['coefficients', 'warehouses', 'acceptanceOptions'] as const satisfies readonly OfficialEndpoint[];

export interface OfficialSwitchState {
  enabled: boolean;
  /** The methods the switch governs. */
  methods: OfficialEndpoint[];
}

export class OfficialSwitch {
  private on: boolean;

  /** `enabledByDefault`: the state a reset returns to (off, as on today's WB, unless the operator simulates WB's return). */
  constructor(private readonly enabledByDefault = false) {
    this.on = enabledByDefault;
  }

  get enabled(): boolean {
    return this.on;
  }

  set(enabled: boolean): OfficialSwitchState {
    this.on = enabled;
    return this.state();
  }

  /** This method answers "temporarily disabled" now. */
  disables(endpoint: OfficialEndpoint): boolean {
    return !this.on && (SWITCHED_OFFICIAL_METHODS as readonly OfficialEndpoint[]).includes(endpoint);
  }

  state(): OfficialSwitchState {
    return { enabled: this.on, methods: [...SWITCHED_OFFICIAL_METHODS] };
  }

  /** Back to the default: off (today's WB) unless the sandbox was started with the methods on. */
  reset(): void {
    this.on = this.enabledByDefault;
  }
}
