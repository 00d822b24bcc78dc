import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDetectConfig } from '../../../services/detect/config.ts';

describe('detect config', () => {
  it('runs every detector and the chat guard for no agent by default', () => {
    const c = loadDetectConfig({});
    expect(c.disabledDetectors).toEqual([]);
    expect(c.chatGuardAgents).toEqual([]);
  });
  it('reads the chat-guard agents as a list', () => {
    const c = loadDetectConfig({ DETECT_CHAT_GUARD_AGENTS: 'news-bot, acme/support-bot ,' });
    expect(c.chatGuardAgents).toEqual(['news-bot', 'acme/support-bot']);
    expect(loadDetectConfig({ DETECT_CHAT_GUARD_AGENTS: '*' }).chatGuardAgents).toEqual(['*']);
  });
  it('validates the phone regions at start-up, naming the variable and the unknown code', () => {
    expect(loadDetectConfig({}).phoneRegions).toContain('DE');
    expect(loadDetectConfig({ DETECT_PHONE_REGIONS: 'de, us' }).phoneRegions).toEqual(['DE', 'US']);
    expect(() => loadDetectConfig({ DETECT_PHONE_REGIONS: 'DE,XX' })).toThrow(/DETECT_PHONE_REGIONS: .*XX/);
    expect(() => loadDetectConfig({ DETECT_PHONE_REGIONS: ',' })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
  });

  describe('ONNX injection classifier (DETECT_INJECTION_ONNX_*)', () => {
    it('is off when no model is set, and when the model is blank', () => {
      expect(loadDetectConfig({}).injectionOnnx).toBeUndefined();
      expect(loadDetectConfig({ DETECT_INJECTION_ONNX_MODEL: '  ' }).injectionOnnx).toBeUndefined();
      // Tuning variables without a model do not turn it on (a template may keep them while it is off).
      expect(loadDetectConfig({ DETECT_INJECTION_ONNX_THRESHOLD: '0.9' }).injectionOnnx).toBeUndefined();
    });

    it('refuses a tokenizer without a model, naming both variables', () => {
      const load = () => loadDetectConfig({ DETECT_INJECTION_ONNX_TOKENIZER: '/models/pg/tokenizer.json' });
      expect(load).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
      expect(load).toThrow(/DETECT_INJECTION_ONNX_TOKENIZER: set, but DETECT_INJECTION_ONNX_MODEL is empty/);
    });

    it('takes the tokenizer beside the model when only the model is set, resolving relative paths', () => {
      const c = loadDetectConfig({ DETECT_INJECTION_ONNX_MODEL: 'models/pg/model.onnx' });
      expect(c.injectionOnnx).toMatchObject({
        modelPath: resolve('models/pg/model.onnx'),
        tokenizerPath: resolve(join('models/pg', 'tokenizer.json')),
      });
    });

    it('carries every setting through to the workers', () => {
      const c = loadDetectConfig({
        DETECT_INJECTION_ONNX_MODEL: '/models/pg/model.onnx',
        DETECT_INJECTION_ONNX_TOKENIZER: ' /models/pg/tok.json ',
        DETECT_INJECTION_ONNX_LABEL: '2',
        DETECT_INJECTION_ONNX_THRESHOLD: '0.8',
        DETECT_INJECTION_ONNX_MAX_TOKENS: '256',
        DETECT_INJECTION_ONNX_BUDGET_MS: '35.5',
        DETECT_INJECTION_ONNX_BATCH_SIZE: '8',
      });
      expect(c.injectionOnnx).toEqual({
        modelPath: '/models/pg/model.onnx',
        tokenizerPath: '/models/pg/tok.json',
        injectionLabel: 2,
        threshold: 0.8,
        maxTokens: 256,
        budgetMsPerEvent: 35.5,
        batchSize: 8,
      });
      expect(Object.isFrozen(c.injectionOnnx)).toBe(true);
    });

    it('does not check the files at start-up: a nonexistent model is carried through (workers fall back)', () => {
      // Deliberate (detectors/injection/README.md "Fall-back"): a missing model must not stop detection;
      // each worker logs DETECT_ONNX_UNAVAILABLE naming the variable to fix (onnx-injection-stage.test.ts).
      const c = loadDetectConfig({ DETECT_INJECTION_ONNX_MODEL: '/nonexistent/model.onnx' });
      expect(c.injectionOnnx?.modelPath).toBe('/nonexistent/model.onnx');
    });

    it('rejects out-of-range tuning values, naming each variable, all at once', () => {
      const load = () =>
        loadDetectConfig({
          DETECT_INJECTION_ONNX_MODEL: '/m.onnx',
          DETECT_INJECTION_ONNX_THRESHOLD: '1.5',
          DETECT_INJECTION_ONNX_BUDGET_MS: '0',
          DETECT_INJECTION_ONNX_BATCH_SIZE: 'many',
        });
      expect(load).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
      expect(load).toThrow(
        /DETECT_INJECTION_ONNX_THRESHOLD[\s\S]*DETECT_INJECTION_ONNX_BUDGET_MS[\s\S]*DETECT_INJECTION_ONNX_BATCH_SIZE/,
      );
    });
  });
});
