import RE2 from 're2';
import { indirectPatterns } from './indirect.ts';
import { overrideInstructionPatterns } from './override-instructions.ts';
import { roleHijackPatterns } from './role-hijack.ts';
import { systemPromptExfiltrationPatterns } from './system-prompt-exfiltration.ts';
import { toolAbusePatterns } from './tool-abuse.ts';

export interface PhraseMatcher {
  /** Finding type of the first instruction phrase found in `text`, or null. */
  firstType(text: string): string | null;
}

/**
 * One RE2.Set over every instruction phrase, for text that is not scanned directly: decoded
 * base64/hex chunks and Unicode tag characters turned back into ASCII.
 */
export function createPhraseMatcher(): PhraseMatcher {
  const groups: [string, readonly string[]][] = [
    ['injection.override_instructions', overrideInstructionPatterns],
    ['injection.role_hijack', roleHijackPatterns],
    ['injection.system_prompt_exfiltration', systemPromptExfiltrationPatterns],
    ['injection.tool_abuse', toolAbusePatterns],
    ['injection.indirect', indirectPatterns],
  ];
  const types: string[] = [];
  const sources: string[] = [];
  for (const [type, patterns] of groups) {
    for (const p of patterns) {
      types.push(type);
      sources.push(p);
    }
  }
  const set = new RE2.Set(sources, 'u');
  return {
    firstType(text: string): string | null {
      const hits = set.match(text);
      if (hits.length === 0) return null;
      return types[Math.min(...hits)] ?? null;
    },
  };
}
