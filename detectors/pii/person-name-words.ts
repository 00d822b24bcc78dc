/** Word lists of the person-name heuristic (person-name.ts): data, kept apart from the rules. */

/**
 * Capitalised words that are not names: roles, teams, documents, products, step names, greetings.
 * A name stops at the first of them (`Anna Schmidt Team` -> `Anna Schmidt`); one at the start rejects.
 */
// biome-ignore format: compact list
export const NOT_A_NAME = new Set([
  // function words, pronouns, greetings
  'the', 'a', 'an', 'and', 'or', 'of', 'to', 'in', 'on', 'at', 'for', 'with', 'by', 'from', 'is', 'are',
  'was', 'be', 'not', 'no', 'yes', 'my', 'your', 'our', 'his', 'her', 'their', 'its', 'this', 'that',
  'these', 'those', 'all', 'any', 'each', 'every', 'some', 'here', 'there', 'it', 'we', 'you', 'they',
  'sir', 'madam', 'madame', 'everyone', 'everybody', 'all', 'friend', 'friends', 'colleague', 'colleagues',
  'folks', 'guys', 'world', 'valued', 'dear', 'hello', 'hi', 'thanks', 'thank', 'regards', 'best', 'kind',
  'warm', 'cheers', 'sincerely', 'please', 'unknown', 'none', 'null', 'undefined', 'anonymous', 'redacted',
  'then', 'also', 'so', 'but', 'when', 'after', 'before', 'later', 'finally', 'meanwhile', 'again', 'as',
  'if', 'since', 'until', 'while', 'why', 'how', 'what', 'who', 'which', 'where', 'he', 'she',
  // roles, teams, organisations
  'team', 'staff', 'support', 'service', 'services', 'customer', 'customers', 'client', 'clients', 'user',
  'users', 'admin', 'administrator', 'manager', 'management', 'hiring', 'recruiting', 'director', 'officer',
  'department', 'dept', 'group', 'office', 'desk', 'help', 'helpdesk', 'sales', 'marketing', 'finance',
  'legal', 'operations', 'engineering', 'security', 'hr', 'it', 'board', 'committee', 'council', 'company',
  'corp', 'corporation', 'inc', 'ltd', 'llc', 'gmbh', 'ag', 'bank', 'university', 'school', 'hospital',
  'clinic', 'store', 'shop', 'partner', 'partners', 'owner', 'member', 'members', 'agent', 'assistant',
  'bot', 'system', 'platform', 'applicant', 'candidate', 'patient', 'employee', 'tenant', 'guest',
  'lead', 'chief', 'ceo', 'cto', 'cfo', 'coo', 'vp', 'president', 'engineer', 'developer',
  'designer', 'analyst', 'consultant', 'reviewer', 'reviewers', 'approver', 'owners', 'maintainer',
  'maintainers', 'contributor', 'contributors', 'author', 'editor', 'lawyer', 'counsel',
  'vendor', 'supplier', 'courier', 'carrier', 'landlord', 'foundation', 'institute', 'agency', 'ministry',
  'government', 'police', 'commission', 'parliament', 'authority', 'press', 'labs', 'lab', 'ventures',
  'capital', 'holdings', 'industries', 'technologies', 'tech', 'systems', 'software', 'solutions', 'networks',
  // products and tools
  'cloud', 'web', 'online', 'digital', 'mobile', 'studio', 'actions', 'teams', 'analytics', 'pay', 'maps',
  'drive', 'mail', 'search', 'ai', 'defender', 'copilot', 'browser', 'console', 'portal', 'gateway', 'engine',
  'framework', 'library', 'plugin', 'extension', 'module', 'sdk', 'cli', 'pipeline', 'workflow', 'runner',
  // documents, records, commerce
  'order', 'orders', 'summary', 'total', 'subtotal', 'invoice', 'receipt', 'report', 'product', 'products',
  'project', 'projects', 'plan', 'premium', 'basic', 'pro', 'enterprise', 'standard', 'free', 'trial',
  'account', 'accounts', 'profile', 'details', 'information', 'info', 'data', 'file', 'files', 'document',
  'documents', 'table', 'field', 'value', 'type', 'status', 'item', 'items', 'list', 'page', 'section',
  'chapter', 'version', 'release', 'update', 'updates', 'notes', 'note', 'description', 'title', 'name',
  'meeting', 'agenda', 'minutes', 'ticket', 'issue', 'bug', 'task', 'tasks', 'sprint', 'planning',
  'backlog', 'milestone', 'queue', 'epic', 'code', 'form', 'request', 'feedback', 'survey',
  'subject', 'message', 'new', 'old', 'test', 'tests', 'demo', 'example', 'sample', 'default', 'custom',
  'top', 'main', 'master', 'production', 'staging', 'development', 'dev', 'prod', 'server', 'cluster', 'database',
  'api', 'app', 'application', 'service', 'dashboard', 'settings', 'config', 'configuration', 'widget',
  'wireless', 'mouse', 'keyboard', 'monitor', 'cable', 'card', 'gift', 'coupon', 'shipping', 'delivery',
  'payment', 'billing', 'address', 'street', 'road', 'avenue', 'city', 'country', 'region', 'north',
  'south', 'east', 'west', 'central', 'global', 'international', 'national', 'general', 'public', 'private',
  // verbs of CI steps and task titles
  'setup', 'set', 'run', 'install', 'build', 'deploy', 'checkout', 'lint', 'publish', 'upload', 'download',
  'create', 'delete', 'get', 'configure', 'cache', 'start', 'stop', 'restart', 'check', 'verify', 'review',
  'fix', 'add', 'remove', 'use', 'open', 'close', 'send', 'read', 'write', 'generate', 'migrate', 'sync',
  // time
  'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'january', 'february',
  'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december',
  'today', 'tomorrow', 'yesterday', 'morning', 'evening', 'weekend', 'week', 'month', 'year', 'quarter',
  // German
  'damen', 'herren', 'kunde', 'kundin', 'kunden', 'kollegen', 'kolleginnen', 'kollege', 'kollegin', 'liebe',
  'lieber', 'sehr', 'geehrte', 'geehrter', 'rechnung', 'bestellung', 'übersicht', 'zusammenfassung', 'firma',
  'abteilung', 'vertrieb', 'kundenservice', 'kundendienst', 'geschäftsführung', 'personalabteilung',
  'frau', 'herr', 'herrn', 'grüße', 'gruß', 'vielen', 'dank', 'ihr', 'ihre', 'euer', 'eure', 'unser',
  'unsere', 'mein', 'meine', 'der', 'die', 'das', 'und', 'oder', 'mit', 'für', 'von', 'bitte', 'danke',
  'sie', 'ihnen', 'euch', 'dich', 'du', 'alle', 'willkommen', 'ich', 'wir', 'er', 'es', 'am', 'im', 'um', 'zum', 'zur', 'beim', 'kapitel',
  'projekt', 'bericht', 'vertrag', 'angebot', 'auftrag', 'datei', 'neue', 'neuer', 'alte', 'alter',
]);

/**
 * Brands spelled as an honorific and a surname (`Dr. Oetker`, `Mr. Clean`): products, not people.
 * Keys are the honorific and the next word, lower case, without the dot.
 */
// biome-ignore format: compact list
export const HONORIFIC_BRANDS = new Set([
  'dr oetker', 'dr pepper', 'dr martens', 'dr scholl', "dr scholl's", 'dr bronner', "dr bronner's", 'dr who',
  'dr no', 'mr clean', 'mr proper', 'mr muscle', 'mr bean', 'mr robot', 'mr coffee', 'mr potato', 'mrs fields',
  'ms pac-man',
]);
