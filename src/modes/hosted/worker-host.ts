/** Entry of a worker_thread that runs tasks held on its own thread (mode 'worker'). */
import { parentPort } from 'node:worker_threads';

import { handleTask, readyMessage } from './host.js';
import type { HostRequest } from './protocol.js';

if (!parentPort) throw new Error('worker-host must run in a worker_thread');
const port = parentPort;
port.on('message', (msg: HostRequest) => {
  void handleTask(msg).then((reply) => port.postMessage(reply));
});
port.postMessage(readyMessage());
