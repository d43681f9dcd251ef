//! The cue and page words the precision features read: speech, cognition and action cues, persons, captions.

/// Stems of cues that report speech or writing whatever their object.
pub(super) const SAY: &[&str] = &[
    "said", "say", "tell", "told", "add", "accord", "state", "wrote", "write", "tweet", "argu",
    "claim", "insist", "warn", "explain", "stress", "emphas", "assert", "testif", "repl",
];

/// Stems of verbs of doing that the tagger takes for speech when their object is a thing
/// ("agreed a deal", "voted for control", "signed the bill", "launched a phone").
pub(super) const ACTION: &[&str] = &[
    "agre", "vote", "sign", "launch", "unveil", "eject", "diagnos", "struggl", "appear", "seem",
    "won", "win", "lost", "los", "spent", "spend", "bought", "buy", "sold", "sell", "hire", "fire",
    "join", "left", "leave", "met", "meet", "visit", "release", "introduc", "order", "invest",
    "charg", "arrest", "sentenc", "plead", "pleaded", "share", "post", "tweet",
];

/// Words that negate a cue ("did not disclose", "declined to say").
pub(super) const NEGATION: &[&str] = &["not", "n't", "never", "no", "declin", "without"];

/// Stems of cues that report speech or writing.
pub(super) const SPEECH: &[&str] = &[
    "said",
    "say",
    "tell",
    "told",
    "add",
    "accord",
    "state",
    "statement",
    "wrote",
    "write",
    "tweet",
    "post",
    "announc",
    "explain",
    "note",
    "argu",
    "claim",
    "insist",
    "warn",
    "ask",
    "repl",
    "answer",
    "respond",
    "comment",
    "declar",
    "assert",
    "maintain",
    "stress",
    "emphas",
    "propos",
    "call",
    "urg",
    "demand",
    "reject",
    "deni",
    "deny",
    "refus",
    "vow",
    "promis",
    "pledg",
    "allege",
    "accus",
    "admit",
    "acknowledg",
    "confirm",
    "report",
    "suggest",
    "predict",
    "recommend",
    "complain",
    "describ",
    "quot",
    "cit",
    "testif",
    "interview",
    "recall",
    "conced",
    "agree",
    "disagre",
    "criticiz",
    "criticis",
    "prais",
    "condemn",
    "dismiss",
    "disput",
    "told",
    "speak",
    "spoke",
    "mention",
    "indicat",
    "reveal",
    "disclos",
    "conclud",
    "found",
    "find",
    "show",
    "estimat",
    "remark",
    "contend",
    "concur",
    "question",
    "wonder",
    "thank",
    "welcom",
];

/// Stems of speech acts that commit, direct or express ("threatened", "offered", "ordered",
/// "apologised") beyond [`SPEECH`]: with it and [`COGNITION`], what a position inside a content
/// is reported by.
pub(super) const ACTS: &[&str] = &[
    "threat",
    "offer",
    "order",
    "advis",
    "assur",
    "guarant",
    "ruled",
    "confess",
    "apolog",
    "appeal",
    "signal",
    "shout",
    "invit",
    "instruct",
    "encourag",
    "forbid",
    "insult",
    "congratul",
];

/// Words that open a reported clause ("said that", "asked whether").
pub(super) const CLAUSE_OPENERS: &[&str] = &["that", "whether", "if", "how", "why"];

/// Modals that make a verb an intention ("would block", "will not renegotiate").
pub(super) const MODALS: &[&str] = &["would", "will", "wo", "could", "might", "shall"];

/// Stems of cues of belief and intention.
pub(super) const COGNITION: &[&str] = &[
    "believ",
    "think",
    "thought",
    "expect",
    "hope",
    "fear",
    "feel",
    "felt",
    "want",
    "plan",
    "intend",
    "know",
    "knew",
    "doubt",
    "worr",
    "consider",
    "view",
    "see",
    "saw",
    "assum",
    "aim",
    "seek",
    "sought",
    "wish",
    "prefer",
    "decid",
    "convinc",
    "suspect",
    "concern",
    "understand",
];

/// Pronouns of the writer and the reader.
pub(super) const FIRST_SECOND: &[&str] = &[
    "i", "we", "you", "me", "us", "my", "our", "your", "i'm", "we're",
];

/// Third-person pronouns.
pub(super) const THIRD: &[&str] = &[
    "he", "she", "they", "him", "her", "them", "it", "this", "that", "who",
];

/// Words of captions and credits.
pub(super) const CAPTION: &[&str] = &[
    "photo",
    "photos",
    "image",
    "images",
    "getty",
    "credit",
    "caption",
    "file",
    "pictured",
    "reuters",
    "ap",
    "afp",
    "epa",
    "shutterstock",
    "illustration",
    "video",
];
