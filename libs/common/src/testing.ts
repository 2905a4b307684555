// For unit specs only (`@app/common/testing`).

/**
 * A stand-in for `T` that has exactly the members given: reading any other
 * member throws, naming it, so a spec fails loudly the moment the code under
 * test reaches for something the spec did not expect. (`then` reads as
 * undefined, so the mock can pass through `await`.)
 */
export function strictMock<T extends object>(name: string, members: Partial<{ [K in keyof T]: T[K] }> = {}): T {
  return new Proxy(members as T, {
    get(target, prop, receiver) {
      if (prop in target) return Reflect.get(target, prop, receiver);
      if (prop === 'then' || typeof prop === 'symbol') return undefined;
      throw new Error(`${name}.${String(prop)} was used but the spec did not stub it`);
    },
  });
}
