import type { ComposeProject, ComposeService } from './compose-project';
import { fileMode, fileReference, labelsOf, parseBytes, volumeSpec } from './compose-values';
import { externalName, invalid, isExternal, scope, stringMap, withNamespace } from './stack-convert-names';
import type { StackObjectPlan } from './stack.types';

// What a service mounts: volumes, binds and tmpfs, and the config and secret files it reads.

/** A config or secret of the file, planned (or external: only referred to). */
export interface FileObjectRef extends StackObjectPlan {
  external: boolean;
}

export interface MountSpec {
  Type: string;
  Target?: string;
  Source?: string;
  ReadOnly?: boolean;
  Consistency?: string;
  BindOptions?: { Propagation?: string };
  VolumeOptions?: {
    NoCopy?: boolean;
    Subpath?: string;
    Labels?: Record<string, string>;
    DriverConfig?: { Name?: string; Options?: Record<string, string> };
  };
  TmpfsOptions?: { SizeBytes?: number; Mode?: number };
}

export function toMount(project: ComposeProject, stack: string, entry: Parameters<typeof volumeSpec>[0], at: string): MountSpec {
  const v = volumeSpec(entry, at);
  const type = v.type ?? 'volume';
  const base: MountSpec = {
    Type: type,
    Target: v.target,
    ...(v.read_only ? { ReadOnly: true } : {}),
    ...(v.source ? { Source: v.source } : {}),
    ...(v.consistency ? { Consistency: v.consistency } : {}),
  };
  const incompatible = (opt: 'bind' | 'volume' | 'tmpfs') => {
    if (v[opt]) throw invalid(`${at}.${opt}`, `${opt} options are incompatible with type ${type}`);
  };
  switch (type) {
    case 'volume': {
      incompatible('bind');
      incompatible('tmpfs');
      if (!v.source) return base;
      const vol = project.volumes?.[v.source];
      if (vol === undefined) throw invalid(`${at}.source`, `undefined volume "${v.source}" (not among the top-level volumes)`);
      const options: NonNullable<MountSpec['VolumeOptions']> = {
        ...(v.volume?.nocopy ? { NoCopy: true } : {}),
        ...(v.volume?.subpath ? { Subpath: v.volume.subpath } : {}),
      };
      const source = vol?.name ?? (vol && isExternal(vol) ? externalName(v.source, vol) : scope(stack, v.source));
      if (!isExternal(vol)) {
        options.Labels = withNamespace(stack, labelsOf(vol?.labels));
        if (vol?.driver || vol?.driver_opts)
          options.DriverConfig = {
            ...(vol.driver ? { Name: vol.driver } : {}),
            ...(vol.driver_opts ? { Options: stringMap(vol.driver_opts) } : {}),
          };
      }
      return { ...base, Source: source, VolumeOptions: options };
    }
    case 'bind': {
      incompatible('volume');
      incompatible('tmpfs');
      if (!v.source) throw invalid(`${at}.source`, 'a bind mount needs a source');
      if (!v.source.startsWith('/'))
        throw invalid(
          `${at}.source`,
          `"${v.source}": a relative bind path has no meaning on a swarm node; use an absolute path or a named volume`,
        );
      return { ...base, ...(v.bind?.propagation ? { BindOptions: { Propagation: v.bind.propagation } } : {}) };
    }
    case 'tmpfs': {
      incompatible('bind');
      incompatible('volume');
      if (v.source) throw invalid(`${at}.source`, 'a tmpfs mount takes no source');
      const size = v.tmpfs?.size === undefined ? undefined : parseBytes(v.tmpfs.size, `${at}.tmpfs.size`);
      return {
        ...base,
        ...(v.tmpfs
          ? {
              TmpfsOptions: {
                ...(size !== undefined ? { SizeBytes: size } : {}),
                ...(v.tmpfs.mode !== undefined ? { Mode: v.tmpfs.mode } : {}),
              },
            }
          : {}),
      };
    }
    default:
      throw invalid(`${at}.type`, `mount type "${type}" is not supported on a swarm (volume, bind or tmpfs)`);
  }
}

export interface FileTarget {
  name: string;
  file: { Name: string; UID: string; GID: string; Mode: number };
}

export function fileRefs(
  entries: ComposeService['configs'],
  objects: FileObjectRef[],
  at: string,
  kind: 'configs' | 'secrets',
): FileTarget[] {
  return (entries ?? [])
    .map((entry, i) => {
      const ref = fileReference(entry);
      const obj = objects.find((o) => o.key === ref.source);
      if (!obj) throw invalid(`${at}[${i}]`, `undefined ${kind.slice(0, -1)} "${ref.source}" (not among the top-level ${kind})`);
      return {
        name: obj.name,
        file: { Name: ref.target ?? ref.source, UID: ref.uid ?? '0', GID: ref.gid ?? '0', Mode: fileMode(ref.mode, `${at}[${i}].mode`) },
      };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
