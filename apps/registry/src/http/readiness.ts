/**
 * Readiness of the server's components. Each component reports under a name ("Config",
 * "Naming", ...); the server is ready when every registered component is.
 */
export class Readiness {
  readonly #states = new Map<string, boolean>();

  set(component: string, ready: boolean): void {
    this.#states.set(component, ready);
  }

  /** Names of the components that are not ready, in registration order. */
  notReady(): string[] {
    return [...this.#states].filter(([, ready]) => !ready).map(([name]) => name);
  }

  /** Nacos' wording: "Config and Naming are not in readiness", "Config is not in readiness". */
  describe(): string | undefined {
    const names = this.notReady();
    if (names.length === 0) return undefined;
    const verb = names.length === 1 ? 'is' : 'are';
    const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
    return `${list} ${verb} not in readiness`;
  }
}
