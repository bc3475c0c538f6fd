/**
 * The node flags a long-lived gonogo (`serve`, `runner`) runs under. `--min-semi-space-size=16` holds the
 * young generation at 16 MB: without it V8 shrinks it to 1 MB once the process idles (its memory reducer,
 * or its throughput estimate), and a server so shrunk stays slow under load: ~1.8× bare Hono's CPU a
 * request instead of ~1.1×, 15–40% more CPU per watched check (bench/README "Scheduler, round nine", "The
 * server's node flags, from its own launcher"). `--no-memory-reducer`: the reducer's collections after an
 * idle left a server ~1.3× dearer a request even with the young generation held, until it restarted
 * (bench/README "After session 15's changes"); the heap is still collected as it fills, it is only not
 * shrunk while idle. V8 reads the first only as the heap is made: not from `v8.setFlagsFromString`, and
 * Node 20 refuses it in NODE_OPTIONS, so gonogo starts node again with them (app/respawn.ts). The benches
 * start their gonogo servers with this list too. A module of its own: the configuration table (app/config.ts)
 * documents it as its default without loading the launcher on every command.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--min-semi-space-size=16', '--no-memory-reducer'];
