/**
 * No `any` crosses a library's front door: walks everything each
 * libs/<name>/src/index.ts exports (functions, classes' public members,
 * interfaces, type aliases, constants) through the type checker and fails on
 * every `any` it meets, however deep (Promise<any>, a property of a returned
 * object, a parameter of a callback). Types from node_modules are not walked
 * into, only their type arguments: a library owns its own types.
 *
 *   npx ts-node --transpile-only scripts/check-public-types.ts [libs/x/src/index.ts ...]
 */
import { join, relative, resolve } from 'node:path';
import { existsSync, readdirSync } from 'node:fs';
import * as ts from 'typescript';

const ROOT = resolve(__dirname, '..');

/** Where each `any` sits, e.g. `SwarmServices.inspect() returns Promise<any>`. */
export function findPublicAny(entries: string[], options: ts.CompilerOptions = compilerOptions()): string[] {
  const program = ts.createProgram(entries, { ...options, noEmit: true });
  const checker = program.getTypeChecker();
  const found: string[] = [];

  for (const entry of entries) {
    const source = program.getSourceFile(entry);
    if (!source) throw new Error(`cannot read ${entry}`);
    const moduleSymbol = checker.getSymbolAtLocation(source);
    if (!moduleSymbol) continue;
    const label = relative(ROOT, entry);
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const seen = new Set<ts.Type>();
      const report = (path: string) => found.push(`${label}: ${path}`);
      const walk = (type: ts.Type, path: string, depth: number): void => {
        if (depth > 8) return;
        if (type.flags & ts.TypeFlags.Any) {
          report(`${path} is any`);
          return;
        }
        if (seen.has(type)) return;
        seen.add(type);
        // an alias from a package (Record<K, V>, zod's ZodTypeAny): only the arguments we wrote, not what it expands to
        if (type.aliasSymbol && outside(type.aliasSymbol.declarations)) {
          for (const arg of type.aliasTypeArguments ?? []) walk(arg, `${path}<…>`, depth + 1);
          return;
        }
        if (type.isUnionOrIntersection()) {
          type.types.forEach((t) => walk(t, path, depth + 1));
          return;
        }
        if (!(type.flags & ts.TypeFlags.Object)) return;
        const parameters = (type as ts.TypeReference).target?.typeParameters ?? [];
        checker.getTypeArguments(type as ts.TypeReference).forEach((arg, i) => {
          // a package's own default (AsyncGenerator's TReturn, ZodError's T) is not an any we wrote
          const byDefault = parameters[i] && checker.getDefaultFromTypeParameter(parameters[i])?.flags === ts.TypeFlags.Any;
          if (!(byDefault && arg.flags & ts.TypeFlags.Any && outside(type.getSymbol()?.declarations))) walk(arg, `${path}<…>`, depth + 1);
        });
        // a mapped type (Record<string, any> behind an alias of ours) is its index signature and keys
        const mapped = ((type as ts.ObjectType).objectFlags & ts.ObjectFlags.Mapped) !== 0;
        if (mapped && !outside((type.aliasSymbol ?? type.getSymbol())?.declarations)) {
          for (const info of checker.getIndexInfosOfType(type)) walk(info.type, `${path}[…]`, depth + 1);
          for (const property of checker.getPropertiesOfType(type))
            walk(checker.getTypeOfSymbol(property), `${path}.${property.name}`, depth + 1);
          return;
        }
        if (outside(type.getSymbol()?.declarations)) return;
        for (const signature of [...type.getCallSignatures(), ...type.getConstructSignatures()]) walkSignature(signature, path, depth);
        for (const property of checker.getPropertiesOfType(type)) {
          if (!isPublic(property)) continue;
          const declaration = property.valueDeclaration ?? property.declarations?.[0];
          // members inherited from a package's class (Nest's ConfigurableModuleClass) are that package's
          if (!declaration || outside([declaration])) continue;
          walk(checker.getTypeOfSymbolAtLocation(property, declaration), `${path}.${property.name}`, depth + 1);
        }
        const index = checker.getIndexInfosOfType(type);
        // an index signature we declared; a class built on a package's mixin (Nest's ConfigurableModuleClass) inherits its own
        for (const info of index) if (info.declaration && !outside([info.declaration])) walk(info.type, `${path}[…]`, depth + 1);
      };
      const walkSignature = (signature: ts.Signature, path: string, depth: number) => {
        for (const parameter of signature.getParameters()) {
          const declaration = parameter.valueDeclaration ?? parameter.declarations?.[0];
          if (declaration) walk(checker.getTypeOfSymbolAtLocation(parameter, declaration), `${path}(${parameter.name})`, depth + 1);
        }
        walk(signature.getReturnType(), `${path}() returns`, depth + 1);
      };

      const declaration = symbol.valueDeclaration ?? symbol.declarations?.[0];
      if (!declaration) continue;
      if (symbol.flags & ts.SymbolFlags.Class) {
        // the instance side: public members; the static side: the constructor and statics
        walk(checker.getDeclaredTypeOfSymbol(symbol), symbol.name, 0);
        walk(checker.getTypeOfSymbolAtLocation(symbol, declaration), `${symbol.name} (static)`, 0);
      } else if (symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias)) {
        walk(checker.getDeclaredTypeOfSymbol(symbol), symbol.name, 0);
      } else if (symbol.flags & ts.SymbolFlags.Value) {
        walk(checker.getTypeOfSymbolAtLocation(symbol, declaration), symbol.name, 0);
      }
    }
  }
  return [...new Set(found)];

  function outside(declarations: readonly ts.Declaration[] | undefined): boolean {
    if (!declarations || declarations.length === 0) return false;
    return declarations.every(
      (d) => d.getSourceFile().fileName.includes('/node_modules/') || program.isSourceFileDefaultLibrary(d.getSourceFile()),
    );
  }
}

function isPublic(property: ts.Symbol): boolean {
  if (property.name.startsWith('#')) return false;
  const modifiers = ts.getCombinedModifierFlags(property.valueDeclaration ?? property.declarations?.[0] ?? ({} as ts.Declaration));
  return !(modifiers & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected));
}

function compilerOptions(): ts.CompilerOptions {
  const file = join(ROOT, 'tsconfig.json');
  const config = ts.readConfigFile(file, ts.sys.readFile);
  return ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT).options;
}

if (require.main === module) {
  const entries =
    process.argv.length > 2
      ? process.argv.slice(2).map((f) => resolve(f))
      : readdirSync(join(ROOT, 'libs'))
          .map((lib) => join(ROOT, 'libs', lib, 'src/index.ts'))
          .filter((f) => existsSync(f));
  const found = findPublicAny(entries);
  for (const line of found) console.error(`any at a library's front door: ${line}`);
  if (found.length > 0) {
    console.error(`${found.length} any in the public types of ${entries.length} libraries: give them a type the library owns (or unknown)`);
    process.exit(1);
  }
  console.log(`no any in the public types of ${entries.map((e) => relative(ROOT, e)).join(', ')}`);
}
