// The layer rule of src/ (`npm run lint`): no circular imports, and every import goes down
// the floors below, never up. A module may import from its own floor (its folder) and any
// floor below it. README.md's Layout section describes the same floors.
/** Floors from the top down; each a path pattern relative to the repository root. */
const FLOORS = [
  ["entry points", "^src/(worker|index|do|testing|lib)[.]ts$"],
  ["the Durable Object mixin", "^src/mixin[.]ts$"],
  ["the shard Durable Object", "^src/shard[.]ts$"],
  ["the HTTP edge", "^src/edge/"],
  ["the SDK-compatible clients", "^src/client/"],
  ["the cluster router", "^src/cluster/"],
  ["partition splits", "^src/split/"],
  ["cross-shard transactions", "^src/txn/"],
  ["index propagation", "^src/gsi/"],
  ["the engine", "^src/engine/"],
  ["PartiQL", "^src/partiql/"],
  ["operations", "^src/ops/"],
  ["TTL sweeps", "^src/ttl/"],
  ["backups and restores", "^src/backup/"],
  ["stream machinery", "^src/streams/"],
  ["reads and filters", "^src/query/"],
  ["storage", "^src/storage/"],
  ["the Worker's Env", "^src/env[.]ts$"],
  ["keys", "^src/keys/"],
  ["the wire protocol", "^src/protocol/"],
  ["expressions", "^src/expr/"],
  ["table definitions", "^src/schema/"],
  ["values", "^src/values/"],
  ["errors and wire types", "^src/(errors|types)[.]ts$"],
];

const above = (i) =>
  FLOORS.slice(0, i)
    .map(([, path]) => `(${path})`)
    .join("|");

export default {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "Modules of src/ never import each other in a circle.",
      from: { path: "^src/" },
      to: { circular: true },
    },
    {
      name: "no-unknown-floor",
      severity: "error",
      comment: "Every module of src/ (but the Node-only src/local) stands on a floor of .dependency-cruiser.mjs.",
      from: { path: "^src/", pathNot: [...FLOORS.map(([, path]) => path), "^src/local/", "[.]d[.]m?ts$"] },
      to: {},
    },
    ...FLOORS.slice(1).map(([name, path], i) => ({
      name: `floor: ${name}`,
      severity: "error",
      comment: `${name} import only from their own floor and the floors below it.`,
      from: { path },
      to: { path: above(i + 1) },
    })),
    {
      name: "local-is-node-only",
      severity: "error",
      comment: "No Worker module imports durable-dynamodb/local (Node only).",
      from: { path: "^src/", pathNot: "^src/local/" },
      to: { path: "^src/local/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)generated/|^src/edge/console/client/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".mts", ".js", ".mjs", ".d.ts"],
    },
  },
};
