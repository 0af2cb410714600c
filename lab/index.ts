// The lab API: a real multi-node Docker swarm (dockerd per network namespace) with fault injection. See README.md.
export { up, Lab, IDLE, UNDERLAY_SUBNET, LOCAL_POOL } from './lab.js';
export type { UpOptions, LabNode, ExecResult, NetworkOptions, ServiceOptions } from './lab.js';
export { FAULT_KINDS, ingressAddress } from './faults.js';
export type { FaultKind, FaultOptions, ActiveFault } from './faults.js';
export { IMAGE, isStaticElf, BUSYBOX } from './image.js';
export { cleanLeftovers, leftovers, STATE_ROOT } from './resources.js';
export { waitFor, withTimeout, WaitTimeout } from './wait.js';
export { run, runOk } from './proc.js';
export { prerequisites, decide } from './prereq.js';
export type { PingResult } from './raw.js';
export type { TaskInfo, NodeInfo, NetworkInfo, ServiceInfo } from './types.js';
export { buildDeepImage } from './deep-image.js';
