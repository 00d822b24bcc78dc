import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { WardenError } from '../lib/errors.ts';

/** The OTLP trace messages, compiled once from otlp-trace.proto (a subset of opentelemetry-proto v1). */
const root = protobuf.loadSync(fileURLToPath(new URL('./otlp-trace.proto', import.meta.url)));
const ExportTraceServiceRequest = root.lookupType('warden.otlp.ExportTraceServiceRequest');
const ExportTraceServiceResponse = root.lookupType('warden.otlp.ExportTraceServiceResponse');
const RpcStatus = root.lookupType('warden.otlp.RpcStatus');

/**
 * Decodes a protobuf ExportTraceServiceRequest into the shape of OTLP/JSON (lowerCamelCase names,
 * 64-bit integers as strings), except that ids are base64 rather than hex: readSpans() takes either.
 */
export function decodeTraceRequest(body: Buffer): unknown {
  try {
    const message = ExportTraceServiceRequest.decode(body);
    return ExportTraceServiceRequest.toObject(message, { longs: String, bytes: String, enums: Number, arrays: true });
  } catch (err) {
    throw new WardenError(
      'INGEST_MALFORMED_BODY',
      `body is not an OTLP ExportTraceServiceRequest: ${(err as Error).message}`,
    );
  }
}

/** Encodes a request from the OTLP/JSON-like shape (ids as Buffers); used by tests, the bench and clients. */
export function encodeTraceRequest(request: Record<string, unknown>): Buffer {
  return Buffer.from(ExportTraceServiceRequest.encode(ExportTraceServiceRequest.fromObject(request)).finish());
}

export interface PartialSuccess {
  rejectedSpans: number;
  errorMessage: string;
}

export function encodeTraceResponse(partial: PartialSuccess | undefined): Buffer {
  const value = partial
    ? { partialSuccess: { rejectedSpans: partial.rejectedSpans, errorMessage: partial.errorMessage } }
    : {};
  return Buffer.from(ExportTraceServiceResponse.encode(ExportTraceServiceResponse.fromObject(value)).finish());
}

export function decodeTraceResponse(body: Buffer): {
  partialSuccess?: { rejectedSpans?: string; errorMessage?: string };
} {
  return ExportTraceServiceResponse.toObject(ExportTraceServiceResponse.decode(body), { longs: String });
}

/** google.rpc.Status, the protobuf body OTLP/HTTP clients expect on errors; `code` is the gRPC code. */
export function encodeRpcStatus(httpStatus: number, message: string): Buffer {
  return Buffer.from(RpcStatus.encode(RpcStatus.fromObject({ code: grpcCode(httpStatus), message })).finish());
}

function grpcCode(httpStatus: number): number {
  if (httpStatus === 401) return 16; // UNAUTHENTICATED
  if (httpStatus === 403) return 7; // PERMISSION_DENIED
  if (httpStatus === 429) return 8; // RESOURCE_EXHAUSTED
  if (httpStatus === 503) return 14; // UNAVAILABLE
  if (httpStatus >= 400 && httpStatus < 500) return 3; // INVALID_ARGUMENT
  return 13; // INTERNAL
}
