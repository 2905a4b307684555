import type { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';

/** Calls `visit` for every method of every static provider that carries metadata `key`, bound to its instance. */
export function forEachDecoratedMethod<T>(
  discovery: DiscoveryService,
  scanner: MetadataScanner,
  reflector: Reflector,
  key: string,
  visit: (options: T, call: (...args: unknown[]) => Promise<unknown>) => void,
): void {
  for (const wrapper of discovery.getProviders()) {
    const instance = wrapper.instance as Record<string, unknown> | undefined;
    if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
    const prototype = Object.getPrototypeOf(instance);
    for (const method of scanner.getAllMethodNames(prototype)) {
      const options = reflector.get<T | undefined>(key, prototype[method]);
      if (!options) continue;
      const fn = prototype[method] as (...args: unknown[]) => Promise<unknown>;
      visit(options, (...args) => Promise.resolve(fn.apply(instance, args)));
    }
  }
}
