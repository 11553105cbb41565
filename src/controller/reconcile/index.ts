/** The controller's reconcile loop: keyed queue, world passes with make before break, status, dry runs. */
export { WorkQueue, type BackoffPolicy, type Handler } from './work-queue.js';
export { WorldReconciler, NODES_KEY, type WorldReconcilerOptions } from './world-reconciler.js';
export { type PassReport, type ChainReport } from './world-pass.js';
export { DryRunPlanner, type DryRunOptions, type DryRunResult } from './dry-run.js';
export { type AgentDirectory, type NodeAgent, poolDirectory, classifyAgentError } from './agents.js';
export { transitionIntent, unionIntent, sameIntent } from './intent-transition.js';
