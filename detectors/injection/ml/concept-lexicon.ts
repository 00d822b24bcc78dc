/**
 * Concept lexicon of the injection classifier (model format v5): words that play the same part in
 * an attack, in EN DE FR ES IT PT NL PL RU ZH JA, grouped into concepts. "skip whatever guidance
 * came earlier" and "ignore all previous instructions" share no word, but both are DISCARD + RULES
 * + PRIOR; features.ts emits one feature per concept occurrence and one per pair of concepts met
 * within a few words, so the linear model can learn the combination once for every language.
 *
 * Written from general language knowledge and the TRAINING templates only (never from an
 * evaluation bank or deepset-test). Entries are matched on the normalised form features.ts gives
 * words (lower case, Latin accents stripped; ß, ł, Cyrillic and CJK kept):
 *
 * - `words`: whole words. Their reversed form (length >= 5) and two leetspeak spellings
 *   (a4 e3 i1 o0 s5 t7, and the vowels only) map to the same concept, because token-smuggling
 *   attacks spell instructions that way.
 * - `stems`: exactly STEM_CHARS characters; a longer word whose first STEM_CHARS characters are a
 *   stem and that is not itself listed gets the stem's concept (ignor- covers ignore, ignoriere,
 *   ignorez, ignorować ...). Only stems that rarely begin an unrelated word.
 * - `cjk`: pairs of adjacent kana / ideographs, looked up inside runs of CJK text (which the
 *   normaliser does not split into words).
 *
 * One concept per entry: unit tests check that no entry is listed under two concepts and that every
 * entry normalises to a single word of the right length.
 */

export interface ConceptEntry {
  readonly words: readonly string[];
  readonly stems?: readonly string[];
  readonly cjk?: readonly string[];
}

/** Concept names in id order (id = index + 1; 0 means "no concept"). Append only: ids are hashed into the model. */
export const CONCEPT_NAMES = [
  'discard',
  'prior',
  'rules',
  'limits',
  'switch',
  'roleplay',
  'mode',
  'dev',
  'unrestricted',
  'without',
  'system',
  'secret',
  'reveal',
  'authority',
  'urgency',
  'respond',
  'only',
  'norefuse',
  'encoding',
  'hypothetical',
  'pretext',
  'assistant',
  'send',
  'credentials',
  'obey',
  'everything',
] as const;
export type ConceptName = (typeof CONCEPT_NAMES)[number];

// biome-ignore format: word lists read best as filled lines, one language per comment
export const CONCEPT_LEXICON: Readonly<Record<ConceptName, ConceptEntry>> = {
  discard: {
    words: [
      'ignore', 'ignores', 'ignoring', 'ignored', 'disregard', 'disregarding', 'skip', 'skipping', 'forget', 'forgetting',
      'forgot', 'override', 'overriding', 'overrule', 'bypass', 'bypassing', 'circumvent', 'dismiss', 'discard', 'abandon',
      'neglect', 'nevermind', 'aside', 'scrap', 'ditch', 'void',
      // de
      'ignoriere', 'ignorier', 'ignorieren', 'ignoriert', 'vergiss', 'vergesst', 'vergessen', 'missachte', 'missachten',
      'uberspringe', 'uberspring', 'uberspringen', 'ubergehe', 'ubergeh', 'verwirf', 'verwerfen', 'umgehe', 'umgehen',
      'hinweg', 'weglassen', 'beiseite',
      // fr
      'ignorez', 'ignorer', 'oublie', 'oubliez', 'oublier', 'oublies', 'negligez', 'neglige', 'contourne', 'contournez',
      'outre', 'abstraction', 'ecarte', 'ecartez', 'annule', 'annulez',
      // es
      'ignora', 'ignorad', 'ignorar', 'olvida', 'olvide', 'olvidad', 'olvidar', 'olvidate', 'omite', 'omita', 'omitir',
      'descarta', 'descarte', 'descartar', 'saltate', 'anula', 'prescinde', 'omiso', 'desestima',
      // it
      'ignorate', 'dimentica', 'dimenticate', 'dimenticare', 'dimenticati', 'tralascia', 'tralasciare', 'trascura',
      'scarta', 'aggira', 'annulla',
      // pt
      'esqueca', 'esquece', 'esquecer', 'esquecam', 'desconsidere', 'desconsidera', 'despreze', 'descartem',
      // nl
      'negeer', 'negeren', 'vergeet', 'vergeten', 'omzeil', 'achterwege',
      // pl
      'zignoruj', 'ignoruj', 'ignorowac', 'zapomnij', 'zapomniec', 'pomin', 'pominac', 'pomijaj', 'odrzuc', 'porzuc', 'olej',
      // ru
      'игнорируй', 'игнорируйте', 'игнорировать', 'проигнорируй', 'забудь', 'забудьте', 'забыть', 'пропусти',
      'отбрось', 'отбросьте', 'обойди', 'отмени',
    ],
    stems: ['ignor', 'disre', 'bypas', 'zigno', 'zapom', 'игнор', 'забуд', 'забыв', 'проиг', 'olvid', 'oubli', 'negee'],
    cjk: ['忽略', '无视', '無視', '忘记', '忘記', '忘掉', '跳过', '跳過', '绕过', '繞過', '抛开', '拋開', '撇开', '不理', '丢弃', '放弃', '忘れ', '破棄', '無効'],
  },
  prior: {
    words: [
      'previous', 'previously', 'prior', 'earlier', 'above', 'preceding', 'foregoing', 'before', 'beforehand',
      'initial', 'aforementioned', 'prev', 'heretofore',
      // de
      'vorherige', 'vorherigen', 'vorheriger', 'vorher', 'bisherige', 'bisherigen', 'bisher', 'obige', 'obigen', 'oben',
      'vorangegangenen', 'vorangehenden', 'fruheren', 'fruhere', 'ursprunglichen', 'ursprungliche', 'zuvor', 'vorigen',
      'vorige',
      // fr
      'precedentes', 'precedente', 'precedents', 'precedent', 'precedemment', 'anterieures', 'anterieur', 'anterieurs',
      'dessus', 'auparavant', 'avant', 'initiales', 'anciennes',
      // es / pt / it
      'anteriores', 'anterior', 'previas', 'previos', 'previo', 'previa', 'arriba', 'antes', 'precedentes', 'iniciales',
      'precedenti', 'sopra', 'prima', 'iniziali', 'anteriori', 'suddette', 'acima', 'iniciais',
      // nl
      'eerdere', 'eerder', 'voorgaande', 'bovenstaande', 'hierboven', 'oorspronkelijke', 'vroegere',
      // pl
      'poprzednie', 'poprzednich', 'poprzednim', 'poprzednia', 'wczesniejsze', 'wczesniejszych', 'wczesniej', 'powyzsze',
      'powyzszych', 'dotychczasowe', 'pierwotne',
      // ru
      'предыдущие', 'предыдущих', 'предыдущим', 'ранее', 'выше', 'прежние', 'прежних', 'предшествующие', 'изначальные',
      'первоначальные',
    ],
    stems: ['previ', 'prece', 'anter', 'poprz', 'wczes', 'преды', 'прежн'],
    cjk: ['之前', '以前', '先前', '此前', '上面', '上述', '前面', '原来', '原先', '早先', '上記', '先ほ', '前述', '従来', '前の', ],
  },
  rules: {
    words: [
      'instructions', 'instruction', 'guidance', 'rules', 'rule', 'directions', 'directives', 'directive', 'guidelines',
      'orders', 'commands', 'prompt', 'prompts', 'programming', 'briefing',
      // de
      'anweisungen', 'anweisung', 'vorgaben', 'regeln', 'befehle', 'instruktionen', 'anleitung', 'anleitungen',
      'hinweise',
      // fr
      'consignes', 'consigne', 'regles', 'indications', 'ordres', 'commandes',
      // es
      'instrucciones', 'instruccion', 'indicaciones', 'reglas', 'normas', 'directrices', 'ordenes', 'pautas',
      // it
      'istruzioni', 'istruzione', 'regole', 'direttive', 'linee', 'ordini', 'comandi',
      // pt
      'instrucoes', 'instrucao', 'orientacoes', 'regras', 'diretrizes', 'ordens', 'comandos',
      // nl
      'instructies', 'aanwijzingen', 'regels', 'richtlijnen', 'bevelen',
      // pl
      'instrukcje', 'instrukcji', 'polecenia', 'polecen', 'zasady', 'reguły', 'wytyczne', 'wskazowki', 'zalecenia',
      // ru
      'инструкции', 'инструкций', 'инструкциям', 'указания', 'указаний', 'правила', 'правил', 'директивы', 'команды',
      'распоряжения', 'установки', 'промпт',
    ],
    stems: ['instr', 'istru', 'anwei', 'инстр', 'указа', 'guide'],
    cjk: ['指令', '指示', '说明', '說明', '规则', '規則', '提示', '命令', 'ルー', 'ロン'],
  },
  limits: {
    words: [
      'restrictions', 'restriction', 'restricted', 'limitations', 'limits', 'constraints', 'policy', 'policies',
      'filters', 'safeguards', 'guardrails', 'boundaries', 'ethics', 'ethical', 'safety', 'moderation', 'censorship',
      'principles', 'morals', 'values',
      // de
      'beschrankungen', 'einschrankungen', 'richtlinien', 'grenzen', 'vorschriften', 'sicherheitsrichtlinien',
      'sicherheitsregeln', 'ethik', 'zensur',
      // fr
      'contraintes', 'limites', 'filtres', 'ethique', 'securite', 'censure', 'politique',
      // es / pt / it
      'restricciones', 'limitaciones', 'filtros', 'politicas', 'seguridad', 'restrizioni', 'limitazioni', 'vincoli',
      'filtri', 'sicurezza', 'restricoes', 'limitacoes', 'seguranca', 'limiti',
      // nl
      'beperkingen', 'voorschriften', 'veiligheid',
      // pl
      'ograniczenia', 'ograniczen', 'bezpieczenstwa', 'cenzura', 'cenzury', 'etyka',
      // ru
      'ограничения', 'ограничений', 'фильтры', 'безопасности', 'цензура', 'цензуры', 'политика', 'этики',
    ],
    stems: ['restr', 'огран'],
    cjk: ['限制', '约束', '約束', '过滤', '過濾', '安全', '审查', '審查', '政策', '制限', '規制', '倫理', '伦理'],
  },
  switch: {
    words: [
      'instead', 'henceforth', 'onwards', 'onward', 'new', 'stattdessen', 'statt', 'neue', 'neuen',
      'desormais', 'dorenavant', 'plutot', 'nouvelles', 'nouvelle', 'nouveau', 'nuevas', 'nuevo',
      'nueva', 'invece', 'nuove', 'nuovo', 'novas', 'novo', 'nova', 'vez', 'nieuwe', 'voortaan',
      'zamiast', 'nowe', 'nowych', 'odtad', 'отныне', 'вместо', 'новые', 'новых', 'новая',
    ],
    cjk: ['现在', '現在', '从现', '從現', '新的', '改为', '改為', '今後', '代わ', '新し'],
  },
  roleplay: {
    words: [
      'pretend', 'pretending', 'roleplay', 'role', 'persona', 'character', 'act', 'acting', 'simulate', 'simulating',
      'impersonate', 'emulate', 'embody', 'become', 'play', 'playing', 'game',
      // de
      'rolle', 'figur', 'charakter', 'simuliere', 'verkorpere', 'spiele', 'spiel', 'spielen', 
      // fr
      'semblant', 'joue', 'jouer', 'jouez', 'personnage', 'incarne', 'incarnez', 'simule', 'simulez', 'pretends', 'jeu',
      // es
      'finge', 'fingir', 'finja', 'interpreta', 'actua', 'actue', 'papel', 'personaje', 'rol', 'simula', 'juego', 'juega',
      // it
      'fingi', 'fingere', 'fingiti', 'recita', 'ruolo', 'personaggio', 'impersona', 'gioco', 'comportati',
      // pt
      'finjam', 'interprete', 'personagem', 'atue', 'simule', 'jogo', 'encarne',
      // nl
      'alsof', 'speel', 'personage', 'karakter', 'simuleer', 'spel', 'gedraag',
      // pl
      'udawaj', 'wciel', 'wcielaj', 'odgrywaj', 'rola', 'role', 'postac', 'symuluj', 'gra', 'zagrajmy', 'zachowuj',
      // ru
      'притворись', 'притворяйся', 'сыграй', 'играй', 'роль', 'роли', 'персонаж', 'персонажа', 'изобрази', 'симулируй',
      'игра', 'игру',
    ],
    stems: ['prete', 'прито'],
    cjk: ['扮演', '假装', '假裝', '角色', '模拟', '模擬', '充当', '充當', '人设', '演じ', '役割', 'キャ', 'ふり'],
  },
  mode: {
    words: ['mode', 'modus', 'modo', 'tryb', 'trybie', 'trybu', 'режим', 'режиме', 'modalita', 'modalite', 'modes'],
    cjk: ['模式', 'モー'],
  },
  dev: {
    words: [
      'developer', 'developers', 'debug', 'debugging', 'maintenance', 'diagnostic', 'diagnostics', 'sudo',
      'entwickler', 'entwicklermodus', 'wartung', 'wartungsmodus', 'developpeur', 'developpeurs', 'debogage',
      'desarrollador', 'desarrolladores', 'depuracion', 'mantenimiento', 'sviluppatore', 'sviluppatori', 'manutenzione',
      'desenvolvedor', 'desenvolvedores', 'depuracao', 'manutencao', 'ontwikkelaar', 'ontwikkelaars', 'onderhoud',
      'programista', 'deweloper', 'debugowania', 'serwisowy', 'разработчик', 'разработчика', 'разработчиков', 'отладки',
      'отладка', 'обслуживания',
    ],
    stems: ['entwi', 'debug', 'разра', 'отлад', 'ontwi', 'svilu', 'desar', 'desen'],
    cjk: ['开发', '開発', '開發', '调试', '調試', '维护', '維護', 'デバ', 'メン'],
  },
  unrestricted: {
    words: [
      'unrestricted', 'unfiltered', 'uncensored', 'unlimited', 'unbound', 'unchained', 'unleashed', 'jailbreak',
      'jailbroken', 'jailbreaking', 'dan', 'amoral', 'unethical', 'evil', 'uneingeschrankt', 'uneingeschrankten',
      'ungefiltert', 'ungefilterten', 'unzensiert', 'unzensierten', 'grenzenlos', 'illimite', 'illimitee', 'ilimitado',
      'ilimitada', 'illimitato', 'onbeperkt', 'ongefilterd', 'ongecensureerd', 'nieograniczony', 'nieocenzurowany',
      'неограниченный', 'неограниченном', 'джейлбрейк',
    ],
    stems: ['jailb', 'uncen', 'unfil', 'unzen'],
    cjk: ['越狱', '越獄', '无限', '無限', '不受', '自由', '脱獄'],
  },
  without: {
    words: ['without', 'ohne', 'sans', 'sin', 'senza', 'sem', 'zonder', 'bez', 'без', 'beyond'],
    cjk: ['没有', '沒有', '无需', '無需', 'なし', 'せず'],
  },
  system: {
    words: ['system', 'systems', 'sistema', 'sistemi', 'systeme', 'systeem', 'systemowy', 'systemowe', 'systemu'],
    stems: ['syste', 'систе'],
    cjk: ['系统', '系統', 'シス'],
  },
  secret: {
    words: [
      'hidden', 'secret', 'confidential', 'internal', 'verbatim', 'geheim', 'geheimen',
      'geheime', 'versteckt', 'versteckten', 'vertraulich', 'vertraulichen', 'intern', 'internen', 'wortlich',
      'secrete', 'secretes', 'confidentiel', 'confidentielles', 'textuellement', 'interne', 'internes', 'oculto',
      'ocultas', 'ocultos', 'secreto', 'secretas', 'confidencial', 'textualmente', 'literalmente', 'nascosto', 'nascoste',
      'nascosti', 'segreto', 'segrete', 'riservato', 'riservate', 'testualmente', 'interno', 'interna', 'verborgen',
      'vertrouwelijk', 'letterlijk', 'ukryte', 'ukryty', 'tajne', 'tajny', 'poufne', 'dosłownie', 'wewnetrzne',
      'скрытые', 'скрытый', 'скрытых', 'секретный', 'секретные', 'тайный', 'конфиденциальные', 'дословно', 'внутренние',
    ],
    stems: ['verba', 'секре', 'скрыт'],
    cjk: ['隐藏', '隱藏', '秘密', '机密', '機密', '内部', '原文', '逐字'],
  },
  reveal: {
    words: [
      'reveal', 'disclose', 'print', 'repeat', 'show', 'display', 'dump', 'leak', 'expose', 'recite', 'quote',
      'spell', 'zeige', 'zeig', 'verrate', 'wiederhole', 'drucke', 'nenne', 'offenlege', 'enthulle', 'preisgeben',
      'ausgeben', 'revele', 'revelez', 'affiche', 'affichez', 'montre', 'montrez', 'repete', 'repetez', 'imprime',
      'divulgue', 'devoile', 'revela', 'muestra', 'muestre', 'repite', 'repita', 'divulga', 'ensena', 'rivela', 'mostra',
      'mostrami', 'ripeti', 'stampa', 'svela', 'mostre', 'imprima', 'exiba', 'onthul', 'toon', 'herhaal', 'ujawnij',
      'pokaz', 'powtorz', 'wypisz', 'wydrukuj', 'wyswietl', 'zdradz', 'раскрой', 'покажи', 'повтори', 'выведи',
      'напечатай', 'расскажи', 'сообщи', 'выдай', 'раскройте', 'покажите', 'повторите',
    ],
    stems: ['revea', 'discl', 'zeige', 'revel', 'divul', 'повто', 'раскр'],
    cjk: ['显示', '顯示', '打印', '重复', '重複', '透露', '泄露', '洩露', '告诉', '告訴', '展示', '表示', '教え', '繰り', '見せ', ],
  },
  authority: {
    words: [
      'openai', 'anthropic', 'creator', 'creators', 'administrator', 'admin', 'owner', 'operator', 'official', 'authorized',
      'authorised', 'authorization', 'authorisation', 'permission', 'clearance', 'approved', 'certified', 'verified',
      'ceo', 'vendor', 'staff', 'betreiber', 'hersteller', 'autorisiert', 'berechtigt', 'berechtigung', 'genehmigt',
      'offiziell', 'freigabe', 'administrateur', 'createur', 'autorise', 'autorisation', 'officiel', 'administrador',
      'creador', 'autorizado', 'autorizacion', 'permiso', 'oficial', 'amministratore', 'creatore', 'autorizzato',
      'autorizzazione', 'permesso', 'ufficiale', 'criador', 'autorizacao', 'permissao', 'beheerder', 'maker',
      'geautoriseerd', 'bevoegd', 'toestemming', 'officieel', 'tworca', 'autoryzowany', 'uprawniony', 'uprawnienia',
      'oficjalny', 'администратор', 'создатель', 'создатели', 'авторизован', 'уполномочен', 'разрешение', 'официальный',
    ],
    stems: ['admin', 'админ'],
    cjk: ['管理', '授权', '授權', '权限', '權限', '官方', '権限', '許可', '公式'],
  },
  urgency: {
    words: [
      'urgent', 'urgently', 'emergency', 'immediately', 'asap', 'dying', 'death',
      'desperate', 'dringend', 'sofort', 'notfall', 'urgence', 'immediatement',
      'urgente', 'urgencia', 'inmediatamente', 'emergencia', 'urgenza', 'immediatamente', 'emergenza', 'urgencia',
      'imediatamente', 'emergencia', 'spoed', 'onmiddellijk', 'noodgeval', 'pilne', 'pilnie', 'natychmiast', 'nagły',
      'срочно', 'срочный', 'немедленно', 'экстренный',
    ],
    cjk: ['紧急', '緊急', '立即', '马上', '馬上', '至急', '直ち', '立刻'],
  },
  respond: {
    words: [
      'respond', 'reply', 'answer', 'output', 'say', 'write', 'begin', 'antworte', 'antworten',
      'antwort', 'sag', 'sage', 'schreibe', 'schreib', 'ausgabe', 'reponds', 'repondez', 'reponse', 'dis', 'dites',
      'ecris', 'ecrivez', 'responde', 'responda', 'respuesta', 'escribe', 'contesta', 'rispondi', 'risposta',
      'scrivi', 'resposta', 'diga', 'escreva', 'antwoord', 'beantwoord', 'zeg', 'schrijf', 'odpowiedz', 'odpowiadaj',
      'napisz', 'powiedz', 'ответь', 'отвечай', 'ответ', 'скажи', 'напиши', 'начни',
    ],
    stems: ['antwo', 'repon', 'rispo', 'odpow', 'отвеч'],
    cjk: ['回答', '回复', '回覆', '答复', '输出', '輸出', '出力', '答え', '返答', '応答', '回応'],
  },
  only: {
    words: [
      'only', 'solely', 'exclusively', 'just', 'nothing', 'nur', 'ausschließlich', 'lediglich', 'nichts', 'seulement',
      'uniquement', 'exclusivement', 'rien', 'solo', 'unicamente', 'exclusivamente', 'nada', 'soltanto', 'solamente',
      'esclusivamente', 'niente', 'apenas', 'somente', 'alleen', 'uitsluitend', 'enkel', 'niets', 'tylko', 'wyłacznie',
      'nic', 'только', 'исключительно', 'лишь', 'ничего',
    ],
    cjk: ['只有', '只回', '只输', '仅仅', '僅僅', '只能', 'だけ', 'のみ'],
  },
  norefuse: {
    words: [
      'refusal', 'refusals', 'refuse', 'refusing', 'decline', 'disclaimer', 'disclaimers', 'warnings', 'caveats',
      'apologies', 'apologize', 'apologise', 'sorry', 'moralizing', 'moralising', 'lecture', 'censor', 'verweigern',
      'verweigere', 'ablehnung', 'ablehnen', 'ablehnungen', 'warnhinweise', 'entschuldigung', 'haftungsausschluss',
      'refus', 'refuser', 'avertissements', 'excuses', 'rechazo', 'rechazar', 'negarte', 'negativas', 'advertencias',
      'disculpas', 'rifiuto', 'rifiutare', 'rifiuti', 'avvertenze', 'scuse', 'recusar', 'recusa', 'avisos', 'desculpas',
      'weigeren', 'weigering', 'waarschuwingen', 'odmowa', 'odmawiaj', 'odmowic', 'ostrzezenia', 'przeprosiny', 'отказ',
      'отказа', 'отказывайся', 'отказываться', 'предупреждения', 'извинения',
    ],
    stems: ['refus', 'apolo', 'rifiu', 'отказ'],
    cjk: ['拒绝', '拒絕', '警告', '免责', '免責', '道歉', '拒否', '断ら', '謝罪', '断っ'],
  },
  encoding: {
    words: [
      'base64', 'hex', 'rot13', 'encode', 'encoded', 'decode', 'decoded', 'reversed', 'backwards', 'reverse',
      'cipher', 'kodiert', 'dekodiere', 'ruckwarts',
      'envers', 'codifica', 'codificado',
      'rovescio', 'achterstevoren', 'odwrotnie', 'наоборот', 'закодируй',
    ],
    stems: ['decod', 'encod', 'backw'],
    cjk: ['编码', '編碼', '解码', '解碼', '倒序', '逆に', '反过'],
  },
  hypothetical: {
    words: [
      'imagine', 'hypothetically', 'hypothetical', 'suppose', 'supposing', 'assume', 'fictional', 'fiction', 'story',
      'novel', 'screenplay', 'tale', 'fantasy', 'dream', 'universe', 'alternate', 'parallel', 'scenario', 'thought',
      'vorstellen', 'stell', 'hypothetisch', 'angenommen', 'fiktiv', 'fiktiven', 'fiktion', 'geschichte', 'roman',
      'erzahlung', 'marchen', 'gedankenexperiment', 'szenario', 'imaginez', 'imaginons', 'hypothetiquement',
      'hypothetique', 'supposons', 'fictif', 'fictive', 'histoire', 'recit', 'conte', 'imagina', 'imaginemos',
      'hipoteticamente', 'hipotetico', 'supongamos', 'supon', 'ficticio', 'ficcion', 'historia', 'relato', 'novela',
      'cuento', 'escenario', 'immagina', 'immaginiamo', 'ipoteticamente', 'ipotetico', 'supponiamo', 'fittizio',
      'finzione', 'storia', 'racconto', 'romanzo', 'suponha', 'suponhamos', 'ficticio', 'ficcao', 'conto', 'romance',
      'cenario', 'veronderstel', 'fictief', 'fictieve', 'fictie', 'verhaal', 'wyobraz', 'wyobrazmy', 'hipotetycznie',
      'hipotetyczny', 'załozmy', 'fikcyjny', 'fikcyjnym', 'fikcja', 'opowiadanie', 'powiesc', 'scenariusz', 'представь',
      'представьте', 'вообрази', 'гипотетически', 'гипотетический', 'предположим', 'допустим', 'вымышленный',
      'вымышленном', 'рассказ', 'история', 'сказка', 'сценарий',
    ],
    stems: ['hypot', 'hipot', 'ipote', 'imagi', 'immag', 'ficti', 'fikti', 'ficci', 'wyobr', 'гипот', 'вымыш'],
    cjk: ['想象', '想像', '假设', '假設', '假如', '虚构', '虛構', '小说', '小說', '故事', '剧本', '劇本', '场景', '仮に', '仮定', '架空', '物語', '空想'],
  },
  pretext: {
    words: [
      'educational', 'academic', 'research', 'purposes', 'purpose', 'study', 'researcher', 'zwecke',
      'zwecken', 'forschung', 'fins', 'recherche', 'pedagogiques', 'fines', 'investigacion', 'educativos', 'scopi',
      'ricerca', 'educativi', 'pesquisa', 'educacionais', 'doeleinden', 'onderzoek', 'celach', 'badawczych',
      'edukacyjnych', 'целях', 'исследования', 'образовательных',
    ],
    cjk: ['研究', '教育', '学术', '學術', '目的'],
  },
  assistant: {
    words: [
      'assistant', 'ai', 'chatbot', 'bot', 'llm', 'gpt', 'chatgpt', 'claude', 'gemini', 'yourself', 'assistent',
      'ki', 'ia', 'asistente', 'assistente', 'asystent', 'ассистент', 'помощник', 'ии',
      'jezykowy',
    ],
    cjk: ['助手', '人工', '智能', 'アシ'],
  },
  send: {
    words: [
      'send', 'forward', 'transmit', 'upload', 'exfiltrate', 'sende', 'senden', 'schicke', 'schicken',
      'weiterleiten', 'leite', 'envoie', 'envoyez', 'transmets', 'transfere', 'envia', 'reenvia', 'transmite', 'invia',
      'inoltra', 'trasmetti', 'envie', 'encaminhe', 'stuur', 'verstuur', 'doorsturen', 'wyslij', 'przeslij', 'отправь',
      'перешли', 'пришли', 'отправьте',
    ],
    stems: ['exfil', 'forwa', 'trasm', 'отпра'],
    cjk: ['发送', '發送', '转发', '轉發', '送信', '転送', '上传', '上傳', '送っ'],
  },
  credentials: {
    words: [
      'password', 'passwords', 'credentials', 'credential', 'token', 'tokens', 'apikey', 'ssh', 'passwort', 'kennwort',
      'zugangsdaten', 'identifiants', 'contrasena', 'credenciales', 'credenziali', 'senha', 'credenciais', 'wachtwoord',
      'inloggegevens', 'hasło', 'hasła', 'пароль', 'пароли', 'учетные', 'учётные',
    ],
    stems: ['passw', 'crede', 'парол'],
    cjk: ['密码', '密碼', '凭证', '憑證', 'パス', '認証', '令牌'],
  },
  obey: {
    words: [
      'obey', 'comply', 'befolge', 'gehorche', 'obeissez',
      'obedece', 'obbedisci', 'obedeca',
      'gehoorzaam', 'słuchaj', 'следуй', 'подчиняйся',
    ],
    cjk: ['遵守', '服从', '服從', '遵循', '従っ', '従え', '従う'],
  },
  everything: {
    words: [
      'everything', 'anything', 'whatever', 'alles', 'irgendetwas', 'wszystko', 'всё'
    ],
    cjk: ['一切'],
  },
};
