/**
 * The bridge's layers, lowest first. A module may import from its own layer and the ones below,
 * never from above: this is what keeps the folders free of cycles and each concept in its place
 * (docs/architecture.md explains the layers). `npm run lint` checks it; a test proves a
 * forbidden import fails it.
 */
const SRC = '^bridge-server/src/';
const LAYERS = [
  ['shared'],
  ['model'],
  ['config'],
  ['audio'],
  // The three services' adapters sit side by side and never import each other.
  ['twilio', 'agent', 'stt'],
  ['store'],
  ['history'],
  ['delivery'],
  ['calls'],
  ['http'],
];
const TOP = `${SRC}(bridge|storage|main|migrate|doctor|doctor-checks)\\.ts$`;

const folder = (name) => `${SRC}${name}/`;
const above = (index) => [
  ...LAYERS.slice(index + 1)
    .flat()
    .map(folder),
  TOP,
];

const layerRules = LAYERS.flatMap((layer, index) =>
  layer.map((name) => ({
    name: `layer-${name}`,
    comment: `${name}/ may import only from its own layer and those below it`,
    severity: 'error',
    from: { path: folder(name) },
    to: { path: above(index) },
  })),
);

const adapterRules = ['twilio', 'agent', 'stt'].map((name) => ({
  name: `adapter-${name}-alone`,
  comment: `${name}/ speaks one service; it never imports another service's adapter`,
  severity: 'error',
  from: { path: folder(name) },
  to: { path: ['twilio', 'agent', 'stt'].filter((other) => other !== name).map(folder) },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      from: { path: SRC },
      to: { circular: true },
    },
    ...layerRules,
    ...adapterRules,
    {
      name: 'production-without-sandbox',
      comment: 'the simulators are started by main.ts (sandbox/start.ts); nothing else in production knows them',
      severity: 'error',
      from: { path: SRC, pathNot: [`${SRC}sandbox/`, `${SRC}main\\.ts$`] },
      to: { path: folder('sandbox') },
    },
    {
      name: 'sandbox-below-the-bridge',
      comment: 'the simulators speak the services’ protocols; they never reach into the bridge’s call handling',
      severity: 'error',
      from: { path: folder('sandbox') },
      to: { path: [...['store', 'delivery', 'calls', 'http'].map(folder), TOP] },
    },
    {
      name: 'production-without-bench',
      severity: 'error',
      from: { path: SRC },
      to: { path: '^bench/' },
    },
    {
      name: 'nodes-without-bridge',
      comment: 'the n8n package talks to the bridge over HTTP only (it mirrors the wire types)',
      severity: 'error',
      from: { path: '^(nodes|credentials)/' },
      to: { path: '^bridge-server/' },
    },
    {
      name: 'bridge-without-nodes',
      severity: 'error',
      from: { path: '^bridge-server/' },
      to: { path: '^(nodes|credentials)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.depcruise.json' },
    // Type-only imports count too: a type from above is still knowledge of what is above.
  },
};
