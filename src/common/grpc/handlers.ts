/**
 * The one adapter every gRPC handler goes through. It closes grpc-js's traps:
 *
 * - grpc-js ignores the promise an async handler returns: a rejection would never be seen and the
 *   call would hang until its deadline. Here the promise is awaited and always answered.
 * - A thrown plain Error would reach the client as UNKNOWN with its raw message, and any error
 *   with a numeric `code` (errno-style objects) would be taken as a status code. Here every error
 *   is mapped (error-status.ts): domain errors to their codes with a google.rpc.Status in the
 *   `grpc-status-details-bin` trailer (ErrorInfo reason + domain, BadRequest violations), anything
 *   else to INTERNAL with a generic message and an error id that finds the full story in the log.
 * - Server streams: the handler gets an AbortSignal that fires when the client cancels, the
 *   deadline passes, or the service drains for shutdown, so listeners are always released.
 */
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { ResourceExhaustedError, UnavailableError } from '../errors.js';
import type { Logger } from '../logger.js';
import { INTERNAL_MESSAGE, errorStatus } from './error-status.js';
import { STATUS_DETAILS_KEY, encodeStatusDetails } from './status-details.js';

/** google.rpc.ErrorInfo domain of every error this product sends. */
export const ERROR_DOMAIN = 'srv6-sfc';

/** A server-streaming handler's side of the stream. */
export interface StreamSink<Res> {
  /** Queues one message; false once the stream has ended (then the message is dropped). */
  send(message: Res): boolean;
  /** Ends the stream with the status `err` maps to (as a unary handler's throw would). */
  fail(err: unknown): void;
  /** Aborted when the stream ends for any reason: release listeners and resolve. */
  readonly signal: AbortSignal;
}

export type UnaryHandler<Req, Res> = (request: Req, call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res>;
/** Resolves when the stream is complete (the wrapper then ends it with OK). */
export type ServerStreamHandler<Req, Res> = (request: Req, sink: StreamSink<Res>, call: grpc.ServerWritableStream<Req, Res>) => Promise<void>;

export interface GrpcHandlersOptions {
  /**
   * A watcher whose client reads slower than events arrive is cut off (RESOURCE_EXHAUSTED) once
   * this many messages wait in its queue, instead of growing the server's memory without bound.
   */
  readonly maxQueuedMessages?: number;
}

export class GrpcHandlers {
  /** Open streams, ended with UNAVAILABLE by drain() so a graceful server shutdown can finish. */
  private readonly open = new Set<(err: unknown) => void>();
  private readonly maxQueued: number;

  constructor(
    private readonly log: Logger,
    options: GrpcHandlersOptions = {},
  ) {
    this.maxQueued = options.maxQueuedMessages ?? 1024;
  }

  unary<Req, Res>(method: string, handler: UnaryHandler<Req, Res>): grpc.handleUnaryCall<Req, Res> {
    return (call, callback) => {
      let result: Promise<Res>;
      try {
        result = Promise.resolve(handler(call.request, call));
      } catch (err) {
        result = Promise.reject(err);
      }
      result.then(
        (response) => callback(null, response),
        (err: unknown) => callback(this.toServiceError(method, err)),
      );
    };
  }

  serverStream<Req, Res>(method: string, handler: ServerStreamHandler<Req, Res>): grpc.handleServerStreamingCall<Req, Res> {
    return (call) => {
      const ended = new AbortController();
      let done = false;
      const finish = (how: () => void): void => {
        if (done) return;
        done = true;
        this.open.delete(fail);
        ended.abort();
        how();
      };
      const fail = (err: unknown): void => finish(() => call.emit('error', this.toServiceError(method, err)));
      this.open.add(fail);
      // Client cancel, deadline, or a broken connection: nothing can be sent any more.
      call.on('cancelled', () => finish(() => this.log.debug('stream cancelled by the client', { method })));
      const sink: StreamSink<Res> = {
        signal: ended.signal,
        fail,
        send: (message) => {
          if (done) return false;
          if (call.writableLength >= this.maxQueued) {
            fail(new ResourceExhaustedError(`the client fell ${call.writableLength} messages behind`, 'SLOW_CONSUMER'));
            return false;
          }
          call.write(message);
          return true;
        },
      };
      let result: Promise<void>;
      try {
        result = Promise.resolve(handler(call.request, sink, call));
      } catch (err) {
        result = Promise.reject(err);
      }
      result.then(
        () => finish(() => call.end()),
        (err: unknown) => fail(err),
      );
    };
  }

  /** Ends every open stream with UNAVAILABLE (clients retry elsewhere or later). For shutdown. */
  drain(reason = 'the server is shutting down'): void {
    for (const fail of [...this.open]) fail(new UnavailableError(reason, 'SHUTTING_DOWN'));
  }

  /** The status a failure becomes, with its rich details; logs what the client is not told. */
  toServiceError(method: string, err: unknown): grpc.ServiceError {
    const s = errorStatus(err);
    const metadata: Record<string, string> = {};
    let message = s.message;
    if (s.internal) {
      // The id ties the client's generic message to the full error in the server log.
      const errorId = randomUUID().slice(0, 8);
      metadata.errorId = errorId;
      message = s.message === INTERNAL_MESSAGE ? `${INTERNAL_MESSAGE} (error id ${errorId})` : s.message;
      this.log.error('handler failed', { method, errorId, reason: s.reason, error: describe(err) });
    } else {
      this.log.debug('handler refused the call', { method, code: grpc.status[s.code], reason: s.reason, message: s.message });
    }
    const trailers = new grpc.Metadata();
    trailers.set(
      STATUS_DETAILS_KEY,
      encodeStatusDetails({ code: s.code, message, errorInfo: { reason: s.reason, domain: ERROR_DOMAIN, metadata }, violations: s.violations }),
    );
    // `details` is what grpc-js sends as the status message; `code` must be a grpc status.
    return Object.assign(new Error(message), { code: s.code, details: message, metadata: trailers });
  }
}

const describe = (err: unknown): string => (err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : String(err));
