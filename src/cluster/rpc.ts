// rpc(alias, function, args…): runs a function on another node of the cluster, as DolphinDB's
// `rpc(getControllerAlias(), getClusterPerf)`. A data node runs it as a statement of the
// calling user; the controller runs the functions it owns (controllerFunctions), which the
// replication issues extend.

import type { FastifyInstance } from 'fastify';
import { ShoalError } from '../core/errors.ts';
import {
  concatBytes,
  decodeFrame,
  decodeValue,
  encodeFrame,
  encodeValue,
  sendFrame,
  valueFromFrame,
  valueToFrame,
} from '../net/index.ts';
import type { FunctionDefinition } from '../query/functions/registry.ts';
import { textArg } from '../query/value-access.ts';
import type { Value } from '../query/value.ts';
import type { PeerClient } from './internal-peer.ts';

/** A function the controller runs for rpc. */
export type ControllerFunction = (args: readonly Value[]) => Promise<Value>;

/** The body of an rpc request: who calls, what, with which values. */
interface RpcCall {
  readonly user: string;
  readonly name: string;
  readonly args: readonly Value[];
}

/** An rpc call as a frame: the arguments as one tuple value, names in the body. */
function encodeCall(call: RpcCall): Uint8Array {
  const frame = valueToFrame({ kind: 'tuple', elements: call.args });
  return concatBytes(
    encodeFrame({
      ...frame,
      body: { call: { user: call.user, name: call.name }, value: frame.body },
    }),
  );
}

function decodeCall(bytes: Uint8Array): RpcCall {
  const frame = decodeFrame(bytes);
  const body = frame.body as { call?: { user?: unknown; name?: unknown }; value?: unknown };
  const user = body.call?.user;
  const name = body.call?.name;
  if (typeof user !== 'string' || typeof name !== 'string') {
    throw new ShoalError('BAD_REQUEST', 'an rpc call needs a user and a function name');
  }
  const args = valueFromFrame({ ...frame, body: body.value as typeof frame.body });
  return { user, name, args: args.kind === 'tuple' ? args.elements : [args] };
}

/** Serves POST /internal/rpc with `run` (the node's way of running a named function). */
export function registerRpcRoute(
  app: FastifyInstance,
  run: (user: string, name: string, args: readonly Value[]) => Promise<Value>,
): void {
  app.post('/internal/rpc', async (request, reply) => {
    const call = decodeCall(request.body as Uint8Array);
    return sendFrame(reply, [encodeValue(await run(call.user, call.name, call.args))]);
  });
}

/** The rpc command of a data node, reaching `peers` (controller and data nodes) by alias. */
export function rpcFunction(peers: ReadonlyMap<string, PeerClient>): FunctionDefinition {
  return {
    kind: 'command',
    name: 'rpc',
    summary: 'rpc(alias, function, args…): runs a function on node alias (e.g. the controller)',
    minArgs: 2,
    maxArgs: Infinity,
    run: async ([alias, fn, ...args], { user, position }) => {
      const target = textArg(alias, 'the node alias', position);
      const name = textArg(fn, 'the function', position);
      const peer = peers.get(target);
      if (peer === undefined) {
        throw new ShoalError(
          'INVALID_ARGUMENT',
          `there is no node ${target}; known: ${[...peers.keys()].join(', ')}`,
        );
      }
      return callPeer(peer, user, name, args);
    },
  };
}

/** Calls `name(args…)` on `peer` (a node's rpc route) as `user`; its value. */
export async function callPeer(
  peer: PeerClient,
  user: string,
  name: string,
  args: readonly Value[],
): Promise<Value> {
  return decodeValue(await peer.binary('/internal/rpc', encodeCall({ user, name, args })));
}

/** Runs `name` from `functions` (the controller's), or UNKNOWN_FUNCTION naming what exists. */
export async function runControllerFunction(
  functions: ReadonlyMap<string, ControllerFunction>,
  name: string,
  args: readonly Value[],
): Promise<Value> {
  const f = functions.get(name);
  if (f === undefined) {
    throw new ShoalError(
      'UNKNOWN_FUNCTION',
      `the controller has no function ${name}; it runs ${[...functions.keys()].join(', ')}`,
    );
  }
  return f(args);
}
