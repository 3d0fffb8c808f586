// The shoal package's main export: the TypeScript SDK (src/client).

export * from './client/index.ts';
