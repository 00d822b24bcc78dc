import type { FastifyInstance } from 'fastify';
import { MAX_DAYS, type ProcessingRecordStore, renderProcessingRecordMarkdown } from '../processing-record.ts';
import { principalOf } from '../request-principal.ts';

export interface ReportRoutesOptions {
  processingRecord: ProcessingRecordStore;
}

const READERS = ['analyst', 'approver', 'admin'] as const;

const QUERY = {
  type: 'object',
  additionalProperties: false,
  properties: {
    days: { type: 'integer', minimum: 1, maximum: MAX_DAYS, default: 30 },
    format: { type: 'string', enum: ['json', 'markdown'], default: 'json' },
  },
} as const;

/** `GET /v1/reports/processing-record?days=30[&format=markdown]`: GDPR art. 30 record per agent. */
export async function reportRoutes(app: FastifyInstance, opts: ReportRoutesOptions): Promise<void> {
  app.get<{ Querystring: { days: number; format: 'json' | 'markdown' } }>(
    '/v1/reports/processing-record',
    { config: { roles: READERS }, schema: { querystring: QUERY } },
    async (request, reply) => {
      const { tenantId } = principalOf(request);
      const record = await opts.processingRecord.build(tenantId, request.query.days);
      if (request.query.format === 'markdown') {
        return reply.type('text/markdown; charset=utf-8').send(renderProcessingRecordMarkdown(record));
      }
      return record;
    },
  );
}
