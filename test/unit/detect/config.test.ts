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
});
