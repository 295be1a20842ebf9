/**
 * Entry of a child process that runs one whole batch and reports it (for a libuv pool size other
 * than its parent's: libuv reads UV_THREADPOOL_SIZE once, when its pool starts).
 */
import { native } from '../addon/loader.js';
import { errorMessage } from '../errors.js';
import { batch } from './batch.js';
import { serveParent } from './hosted/child-channel.js';
import type { HostReply, HostRequest } from './hosted/protocol.js';

async function handleBatch(msg: HostRequest): Promise<HostReply> {
  try {
    if (msg.type !== 'batch') throw new TypeError(`a batch host runs batches, not '${msg.type}' requests`);
    return { type: 'batch', id: msg.id, report: await batch(msg.options) };
  } catch (err) {
    return { type: 'error', id: msg.id, ...errorMessage(err) };
  }
}

serveParent(handleBatch, { type: 'ready', threadId: native().threadUsage().threadId });
