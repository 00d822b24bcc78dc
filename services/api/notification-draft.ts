/**
 * Draft regulatory notifications pre-filled from an incident's evidence. Pure: the caller passes the
 * incident, its clocks and the evidence aggregates (incident-store.ts). The draft carries counts,
 * types and categories only, never a finding's evidence, so no personal data leaves in clear.
 * Everything warden cannot know is left as TO_COMPLETE for the person who submits it.
 */
import type { Incident, IncidentEvidence } from './incident-store.ts';
import type { Clock, Regime, Stage } from './regulatory-clocks.ts';

export const TO_COMPLETE = '[TO COMPLETE]';

/** GDPR art. 4(1) categories of personal data, by finding type (detectors/pii). */
const PII_CATEGORIES: Record<string, string> = {
  'pii.email': 'contact data (email addresses)',
  'pii.phone': 'contact data (telephone numbers)',
  'pii.iban': 'financial data (bank account numbers, IBAN)',
  'pii.payment_card': 'financial data (payment card numbers)',
  'pii.us_ssn': 'national identification numbers (US social security numbers)',
  'pii.uk_nino': 'national identification numbers (UK national insurance numbers)',
  'pii.date_of_birth': 'identification data (dates of birth)',
  'pii.ip_address': 'online identifiers (IP addresses)',
  'pii.postal_address': 'contact data (postal addresses)',
  'pii.person_name': 'identification data (names)',
};

const MEASURE_LABELS: Record<string, string> = {
  block: 'calls blocked at the enforcement point',
  quarantine_agent: 'agent quarantined (every call denied)',
  revoke_credential: 'agent credentials revoked',
};

const AUTHORITY: Record<Regime, string> = {
  gdpr: 'competent supervisory authority (GDPR art. 55/56)',
  nis2: 'CSIRT or competent authority (NIS2 art. 23(1))',
  dora: 'competent authority (DORA art. 19(1))',
};

const TITLES: Record<string, string> = {
  'gdpr/notification': 'Notification of a personal data breach to the supervisory authority (GDPR art. 33)',
  'nis2/early_warning': 'Early warning of a significant incident (NIS2 art. 23(4)(a))',
  'nis2/notification': 'Incident notification (NIS2 art. 23(4)(b))',
  'nis2/final_report': 'Final report on a significant incident (NIS2 art. 23(4)(d))',
  'dora/initial_notification': 'Initial notification of a major ICT-related incident (DORA art. 19(4)(a))',
  'dora/intermediate_report': 'Intermediate report on a major ICT-related incident (DORA art. 19(4)(b))',
  'dora/final_report': 'Final report on a major ICT-related incident (DORA art. 19(4)(c))',
};

/** Questions each regime and stage asks that only a person can answer. */
const OPEN_FIELDS: Record<string, readonly string[]> = {
  'gdpr/notification': [
    'approximate number of data subjects concerned (art. 33(3)(a))',
    'name and contact details of the data protection officer or other contact point (art. 33(3)(b))',
    'likely consequences of the breach (art. 33(3)(c))',
    'measures proposed to address the breach and mitigate its effects (art. 33(3)(d))',
    'whether data subjects are informed under art. 34, and why (not)',
    'reasons for any delay beyond 72 hours (art. 33(1))',
  ],
  'nis2/early_warning': [
    'whether the incident is suspected of being caused by unlawful or malicious acts (art. 23(4)(a))',
    'whether it could have a cross-border impact (art. 23(4)(a))',
  ],
  'nis2/notification': [
    'initial assessment of the incident, its severity and impact (art. 23(4)(b))',
    'indicators of compromise, where available (art. 23(4)(b))',
  ],
  'nis2/final_report': [
    'detailed description of the incident, its severity and impact (art. 23(4)(d)(i))',
    'type of threat or root cause that likely triggered it (art. 23(4)(d)(ii))',
    'applied and ongoing mitigation measures (art. 23(4)(d)(iii))',
    'cross-border impact, where applicable (art. 23(4)(d)(iv))',
  ],
  'dora/initial_notification': [
    'classification criteria met (DORA art. 18; RTS 2024/1772)',
    'clients, counterparts and transactions affected',
    'whether a business continuity plan was activated',
  ],
  'dora/intermediate_report': [
    'root cause (preliminary)',
    'economic impact (estimate)',
    'recovery status and expected recovery time',
  ],
  'dora/final_report': ['root cause analysis', 'actual economic impact', 'lessons learned and permanent remediation'],
};

export interface DraftFindingLine {
  type: string;
  severity: string;
  findings: number;
  sessions: number;
}

export interface NotificationDraft {
  incident_id: string;
  regime: Regime;
  stage: Stage;
  title: string;
  authority: string;
  generated_at: string;
  clock: Clock | null;
  reporting_entity: string;
  incident: { title: string; description: string };
  timeline: {
    detected_at: string;
    classified_at: string | null;
    first_finding_at: string | null;
    last_finding_at: string | null;
    deadline: string | null;
    notifications_sent: { regime: string; stage: string; sent_at: string }[];
  };
  affected_agents: string[];
  findings_total: number;
  findings_by_type: DraftFindingLine[];
  personal_data: boolean;
  data_categories: string[];
  other_categories: string[];
  measures_taken: { action: string; description: string; agents: string[]; verdicts: number }[];
  open_fields: { field: string; value: string }[];
  markdown: string;
}

/** Personal data categories of the finding types (pii.* only); other families go to `other`. */
export function dataCategories(types: readonly string[]): { personal: string[]; other: string[] } {
  const personal = new Set<string>();
  const other = new Set<string>();
  for (const t of types) {
    if (t.startsWith('pii.')) personal.add(PII_CATEGORIES[t] ?? `personal data (${t.slice(4).replaceAll('_', ' ')})`);
    else if (t.startsWith('secret.')) other.add('credentials and secrets (not personal data by themselves)');
  }
  return { personal: [...personal].sort(), other: [...other].sort() };
}

export function buildDraft(input: {
  incident: Incident;
  regime: Regime;
  stage: Stage;
  clocks: readonly Clock[];
  evidence: IncidentEvidence;
  now: number;
}): NotificationDraft {
  const { incident, regime, stage, evidence } = input;
  const key = `${regime}/${stage}`;
  const clock = input.clocks.find((c) => c.regime === regime && c.stage === stage) ?? null;
  const categories = dataCategories(evidence.findings.map((f) => f.type));
  const byType = evidence.findings.map((f) => ({
    type: f.type,
    severity: f.severity,
    findings: f.findings,
    sessions: f.sessions,
  }));
  const measures = new Map<string, { agents: Set<string>; verdicts: number }>();
  for (const m of evidence.measures) {
    const x = measures.get(m.action) ?? { agents: new Set<string>(), verdicts: 0 };
    x.agents.add(m.agent_id);
    x.verdicts += m.verdicts;
    measures.set(m.action, x);
  }
  const draft: Omit<NotificationDraft, 'markdown'> = {
    incident_id: incident.incident_id,
    regime,
    stage,
    title: TITLES[key] ?? key,
    authority: `${TO_COMPLETE} ${AUTHORITY[regime]}`,
    generated_at: new Date(input.now).toISOString(),
    clock,
    reporting_entity: TO_COMPLETE,
    incident: { title: incident.title, description: incident.description || TO_COMPLETE },
    timeline: {
      detected_at: incident.detected_at,
      classified_at: incident.classified_at[regime],
      first_finding_at: evidence.first_finding_at,
      last_finding_at: evidence.last_finding_at,
      deadline: clock?.deadline ?? null,
      notifications_sent: incident.notifications.map((n) => ({ regime: n.regime, stage: n.stage, sent_at: n.sent_at })),
    },
    affected_agents: [...incident.agent_ids].sort(),
    findings_total: byType.reduce((s, f) => s + f.findings, 0),
    findings_by_type: byType,
    personal_data: categories.personal.length > 0,
    data_categories: categories.personal,
    other_categories: categories.other,
    measures_taken: [...measures].map(([action, x]) => ({
      action,
      description: MEASURE_LABELS[action] ?? action,
      agents: [...x.agents].sort(),
      verdicts: x.verdicts,
    })),
    open_fields: (OPEN_FIELDS[key] ?? []).map((field) => ({ field, value: TO_COMPLETE })),
  };
  return { ...draft, markdown: renderMarkdown(draft) };
}

/** Table cells and list items come from ids and types; pipes and newlines must not break the layout. */
function cell(value: string): string {
  return value.replaceAll('|', ' ').replaceAll('\r', ' ').replaceAll('\n', ' ');
}

export function renderMarkdown(d: Omit<NotificationDraft, 'markdown'>): string {
  const lines: string[] = [];
  const push = (...xs: string[]) => lines.push(...xs);
  push(`# ${d.title}`, '', `Draft generated by warden at ${d.generated_at} for incident \`${d.incident_id}\`.`, '');
  push(`- **To:** ${d.authority}`, `- **Reporting entity:** ${d.reporting_entity}`);
  if (d.clock) {
    push(`- **Deadline:** ${d.clock.deadline} (${d.clock.basis}; status ${d.clock.status})`);
  } else {
    push(`- **Deadline:** none running: the incident is not classified under ${d.regime.toUpperCase()}`);
  }
  push('', '## Incident', '', `- **Title:** ${cell(d.incident.title)}`, `- **Description:** ${d.incident.description}`);
  push('', '## Time line', '', `- Detected (aware): ${d.timeline.detected_at}`);
  push(`- Classified under ${d.regime.toUpperCase()}: ${d.timeline.classified_at ?? 'not classified'}`);
  if (d.timeline.first_finding_at) {
    push(`- First finding: ${d.timeline.first_finding_at}`, `- Last finding: ${d.timeline.last_finding_at}`);
  }
  for (const n of d.timeline.notifications_sent) push(`- ${n.regime.toUpperCase()} ${n.stage} submitted: ${n.sent_at}`);
  push('', '## Affected systems (AI agents)', '');
  if (d.affected_agents.length === 0) push(`- ${TO_COMPLETE}`);
  for (const a of d.affected_agents) push(`- \`${cell(a)}\``);
  push('', '## Nature of the incident: findings', '');
  if (d.findings_by_type.length === 0) {
    push(`No findings are linked to the incident. ${TO_COMPLETE}`);
  } else {
    push('| finding type | severity | findings | sessions |', '|---|---|---:|---:|');
    for (const f of d.findings_by_type)
      push(`| ${cell(f.type)} | ${cell(f.severity)} | ${f.findings} | ${f.sessions} |`);
    push(
      '',
      `Total: ${d.findings_total} findings. Evidence is kept masked in warden; no clear values are reproduced here.`,
    );
  }
  push('', '## Categories of data concerned', '');
  if (d.data_categories.length === 0) push('- No personal data detected by warden.');
  for (const c of d.data_categories) push(`- ${c}`);
  for (const c of d.other_categories) push(`- ${c}`);
  push(`- Approximate number of data subjects: ${TO_COMPLETE}`);
  push(`- Approximate number of records concerned: at least ${d.findings_total} (findings), ${TO_COMPLETE}`);
  push('', '## Measures taken', '');
  if (d.measures_taken.length === 0) push(`- ${TO_COMPLETE}`);
  for (const m of d.measures_taken) {
    push(`- ${m.description}: ${m.verdicts} verdicts (${m.agents.map((a) => `\`${cell(a)}\``).join(', ')})`);
  }
  push('', '## To complete before submission', '');
  for (const f of d.open_fields) push(`- ${f.field}: ${f.value}`);
  return `${lines.join('\n')}\n`;
}
