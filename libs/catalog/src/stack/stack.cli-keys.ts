// What `docker stack deploy` does with each key of a compose file: takes it,
// ignores it with a warning, or refuses it. Read by the loader.

// The docker CLI's lists (cli/compose/types/types.go, docker/cli 28f7560): keys
// `docker stack deploy` accepts and ignores, printed as it prints them.
export const UNSUPPORTED = [
  'build',
  'cgroupns_mode',
  'cgroup_parent',
  'devices',
  'domainname',
  'external_links',
  'ipc',
  'links',
  'mac_address',
  'network_mode',
  'pid',
  'privileged',
  'restart',
  'security_opt',
  'shm_size',
  'userns_mode',
];
export const DEPRECATED: Record<string, string> = {
  container_name: 'Setting the container name is not supported.',
  expose: "Exposing ports is unnecessary - services on the same network can access each other's containers on any port.",
};
export const FORBIDDEN: Record<string, string> = {
  extends: 'Support for `extends` is not implemented yet.',
  volume_driver:
    'Instead of setting the volume driver on the service, define a volume using the top-level `volumes` option and specify the driver there.',
};
/** Accepted by the CLI's schema, without effect on a swarm service: services start in any order. */
export const WITHOUT_EFFECT = ['depends_on'];
// The service keys of the CLI's newest schema (cli/compose/schema/data/config_schema_v3.13.json):
// a compose-spec key outside it is one `docker stack deploy` refuses.
export const SWARM_SERVICE_KEYS = new Set([
  'build',
  'cap_add',
  'cap_drop',
  'cgroup_parent',
  'cgroupns_mode',
  'command',
  'configs',
  'container_name',
  'credential_spec',
  'depends_on',
  'deploy',
  'devices',
  'dns',
  'dns_search',
  'domainname',
  'entrypoint',
  'env_file',
  'environment',
  'expose',
  'external_links',
  'extra_hosts',
  'healthcheck',
  'hostname',
  'image',
  'init',
  'ipc',
  'isolation',
  'labels',
  'links',
  'logging',
  'mac_address',
  'network_mode',
  'networks',
  'oom_score_adj',
  'pid',
  'ports',
  'privileged',
  'read_only',
  'restart',
  'secrets',
  'security_opt',
  'shm_size',
  'stdin_open',
  'stop_grace_period',
  'stop_signal',
  'sysctls',
  'tmpfs',
  'tty',
  'ulimits',
  'user',
  'userns_mode',
  'volumes',
  'working_dir',
]);
export const SWARM_HINTS: Record<string, string> = {
  mem_limit: 'use deploy.resources.limits.memory',
  mem_reservation: 'use deploy.resources.reservations.memory',
  cpus: 'use deploy.resources.limits.cpus',
  scale: 'use deploy.replicas',
  pids_limit: 'use deploy.resources.limits.pids',
  gpus: 'use deploy.resources.reservations.generic_resources',
};
export const TOP_LEVEL_UNSUPPORTED = ['include', 'models'];
// Keys deeper in a file that the Compose Specification has and the CLI's
// newest schema (v3.13) refuses: the difference of the two schemas, computed
// once from both files. `*` is any key of a map, `[]` any item of a list.
// (configs.*.content and configs/secrets.*.environment are in the difference
// too, but we take them: they have one obvious meaning on a swarm.)
export const NESTED_UNSUPPORTED = [
  'services.*.deploy.resources.reservations.devices',
  'services.*.networks.*.interface_name',
  'services.*.networks.*.link_local_ips',
  'services.*.networks.*.mac_address',
  'services.*.networks.*.priority',
  'services.*.networks.*.gw_priority',
  'services.*.ports.[].name',
  'services.*.ports.[].host_ip',
  'services.*.ports.[].app_protocol',
  'services.*.volumes.[].bind.create_host_path',
  'services.*.volumes.[].bind.recursive',
  'services.*.volumes.[].bind.selinux',
  'services.*.volumes.[].volume.labels',
  'services.*.volumes.[].volume.subpath',
  'services.*.volumes.[].tmpfs.mode',
  'services.*.volumes.[].image',
  'networks.*.ipam.config.[].ip_range',
  'networks.*.ipam.config.[].gateway',
  'networks.*.ipam.config.[].aux_addresses',
  'networks.*.ipam.options',
  'networks.*.enable_ipv4',
  'networks.*.enable_ipv6',
].map((p) => p.split('.'));
