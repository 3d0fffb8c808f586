// The services a node process runs, by role: the controller and data-node services of
// node-services.ts. `shoal node` and `shoal cluster start` run these.

export { NODE_SERVICES as CLUSTER_SERVICES } from './node-services.ts';
