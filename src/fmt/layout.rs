//! Line layout: the printer's items (text with the separator before it, comments, indents,
//! blocks that may stay on one line) become lines of at most [`WIDTH`] columns where they can.
//!
//! A soft separator is a place where a statement or expression may continue on the next line:
//! it breaks where the source broke the line, or where the line would otherwise run past
//! [`WIDTH`]. The layout never looks at the output language: each keyword counts as wide as
//! its English spelling, so a file converted to the other keyword set keeps every line break,
//! and converts back unchanged. (Vietnamese keywords are mostly longer, so a Vietnamese line
//! may pass the limit by a few words; a writer may break it, and the break is kept.)

/// The column limit.
pub(super) const WIDTH: usize = 100;

/// What comes before a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Sep {
    /// Nothing: `f(`, `x,`.
    None,
    /// One space.
    Space,
    /// A space, or a line break at the continuation indent (the innermost [`Item::Push`]).
    /// A `clause` break (before `when`, `basis`…) is taken when the whole clause would not
    /// fit on the line but fits on a line of its own; other soft breaks (before `and`, after
    /// a comma) only when the text up to the next soft break does not fit.
    Soft {
        /// Whether this starts a clause of a statement.
        clause: bool,
    },
    /// A line break to `indent`, after a blank line if the source had one and `blank` allows.
    Hard {
        /// The indentation of the new line.
        indent: usize,
        /// Whether a blank line in the source is kept here.
        blank: bool,
    },
}

/// An indentation for continuation lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Indent {
    /// This many columns.
    Abs(usize),
    /// This many columns more than the line the next text lands on.
    Line(usize),
}

/// What the printer produces.
#[derive(Clone, Debug)]
pub(super) enum Item {
    /// A token: its separator, its text in the output language, the width it counts for (its
    /// English spelling's), and the line breaks before it in the source.
    Text { sep: Sep, text: String, width: usize, breaks: usize },
    /// A comment, at the end of a line of code (`eol`) or on its own line (at `indent`, or
    /// the continuation indent when `None`), after a blank line if `blank` and the source had
    /// one.
    Comment { text: String, eol: bool, breaks: usize, indent: Option<usize>, blank: bool },
    /// Start a continuation indent.
    Push(Indent),
    /// End the innermost continuation indent.
    Pop,
    /// A block that may stay on one line (`inline`) if it fits, else `expanded`.
    Group { inline: Vec<Item>, expanded: Vec<Item> },
}

/// An indentation on the stack: resolved, or waiting for the next text's line.
#[derive(Clone, Copy, Debug)]
enum Slot {
    Resolved(usize),
    Deferred(usize),
}

#[derive(Debug, Default)]
struct Layout {
    out: String,
    /// The width of the current line so far (English spellings).
    col: usize,
    /// Nothing is written on the current line yet, not even its indentation.
    line_empty: bool,
    /// The next text or comment must start a new line (a comment ended the last one).
    force: bool,
    stack: Vec<Slot>,
}

/// Lay out items into text ending in one newline.
pub(super) fn layout(items: &[Item]) -> String {
    let mut l = Layout { line_empty: true, ..Layout::default() };
    l.items(items);
    while l.out.ends_with('\n') {
        l.out.pop();
    }
    l.out.push('\n');
    l.out
}

impl Layout {
    fn items(&mut self, items: &[Item]) {
        for (i, item) in items.iter().enumerate() {
            match item {
                Item::Text { sep, text, width, breaks } => {
                    let rest = items.get(i + 1..).unwrap_or(&[]);
                    let seg = (width + segment(rest, false), width + segment(rest, true));
                    self.text(*sep, text, seg, *width, *breaks);
                }
                Item::Comment { text, eol, breaks, indent, blank } => {
                    if *eol && !self.line_empty && !self.force {
                        self.out.push(' ');
                        self.out.push_str(text);
                    } else {
                        let indent = indent.unwrap_or_else(|| self.top());
                        self.newline(indent, *blank && *breaks >= 2);
                        self.write(text, 0);
                    }
                    self.force = true;
                }
                Item::Push(Indent::Abs(n)) => self.stack.push(Slot::Resolved(*n)),
                Item::Push(Indent::Line(n)) => self.stack.push(Slot::Deferred(*n)),
                Item::Pop => {
                    self.stack.pop();
                }
                Item::Group { inline, expanded } => {
                    let fits =
                        !self.force && flat_width(inline).is_some_and(|w| self.col + w <= WIDTH);
                    self.items(if fits { inline } else { expanded });
                }
            }
        }
    }

    /// Place one text. `seg` is the width of it and what follows up to the next place a line
    /// may break, and up to the next clause.
    fn text(&mut self, sep: Sep, text: &str, seg: (usize, usize), width: usize, breaks: usize) {
        let first = self.out.is_empty() && self.line_empty;
        let (next, clause) = seg;
        let overflows = |w: usize| self.col + 1 + w > WIDTH;
        let newline = match sep {
            _ if first => None,
            Sep::Hard { indent, blank } => Some((indent, blank && breaks >= 2)),
            _ if self.force => Some((self.top(), false)),
            Sep::Soft { .. } if breaks > 0 || overflows(next) => Some((self.top(), false)),
            Sep::Soft { clause: true } if overflows(clause) && self.top() + clause <= WIDTH => {
                Some((self.top(), false))
            }
            _ => None,
        };
        match newline {
            Some((indent, blank)) => self.newline(indent, blank),
            None if !self.line_empty && matches!(sep, Sep::Space | Sep::Soft { .. }) => {
                self.out.push(' ');
                self.col += 1;
            }
            None => {}
        }
        self.write(text, width);
        self.force = false;
        // Continuation indents waiting for this line resolve to it.
        let line_indent =
            self.out.rsplit('\n').next().map_or(0, |l| l.len() - l.trim_start().len());
        for slot in &mut self.stack {
            if let Slot::Deferred(n) = *slot {
                *slot = Slot::Resolved(line_indent + n);
            }
        }
    }

    fn newline(&mut self, indent: usize, blank: bool) {
        if !self.out.is_empty() {
            self.out.push('\n');
            if blank {
                self.out.push('\n');
            }
        }
        self.line_empty = true;
        self.col = indent;
    }

    /// Write text, with the line's indentation first if the line is empty.
    fn write(&mut self, text: &str, width: usize) {
        if self.line_empty {
            let indent = self.col;
            self.out.extend(std::iter::repeat_n(' ', indent));
            self.line_empty = false;
        }
        self.out.push_str(text);
        self.col += width;
    }

    /// The continuation indent: the innermost resolved one.
    fn top(&self) -> usize {
        self.stack
            .iter()
            .rev()
            .find_map(|s| match s {
                Slot::Resolved(n) => Some(*n),
                Slot::Deferred(_) => None,
            })
            .unwrap_or(0)
    }
}

/// The width of what follows a text up to the next place a line may break, or with
/// `clause`, up to the next clause or line break the source has.
fn segment(rest: &[Item], clause: bool) -> usize {
    let mut w = 0;
    for item in rest {
        match item {
            Item::Text { sep: Sep::None, width, .. } => w += width,
            Item::Text { sep: Sep::Space, width, .. } => w += 1 + width,
            Item::Text { sep: Sep::Soft { clause: false }, width, breaks: 0, .. } if clause => {
                w += 1 + width;
            }
            Item::Text { .. } | Item::Comment { .. } => break,
            Item::Push(_) | Item::Pop => {}
            Item::Group { .. } => {
                w += 2;
                break;
            }
        }
    }
    w
}

/// The width of items laid out on one line, if they can be (no comment, no hard break).
fn flat_width(items: &[Item]) -> Option<usize> {
    let mut w = 0;
    for item in items {
        w += match item {
            Item::Text { sep: Sep::Hard { .. }, .. } | Item::Comment { .. } => return None,
            Item::Text { sep: Sep::None, width, .. } => *width,
            Item::Text { width, .. } => 1 + width,
            Item::Push(_) | Item::Pop => 0,
            Item::Group { inline, .. } => flat_width(inline)?,
        };
    }
    Some(w)
}
