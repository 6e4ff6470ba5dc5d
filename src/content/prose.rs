//! The plain prose of an article: paragraphs and list items as text, with the file line and
//! column each part came from. Markdown fills it; readability, lints and search read it.

/// The plain text of one paragraph or list item, with the file line each part of it came from.
///
/// Only running prose is kept: headings, code, tables, image alt text and shortcodes are left
/// out, because a reading-level score of those would measure layout rather than wording.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProseBlock {
    pub text: String,
    /// `(byte offset in text, file line, column)`, one entry wherever the text stops following
    /// the source character for character: a new line, or markup skipped (a link's address).
    line_marks: Vec<(usize, usize, usize)>,
}

impl ProseBlock {
    /// A block of plain text with no file behind it, e.g. a sentence a program shows readers,
    /// so its reading level can be measured like an article's.
    pub fn plain(text: &str) -> ProseBlock {
        ProseBlock {
            text: text.to_owned(),
            line_marks: vec![(0, 1, 1)],
        }
    }

    /// The file line of the text at `offset` (a byte offset into `text`).
    pub fn line_at(&self, offset: usize) -> usize {
        self.place_at(offset).0
    }

    /// The file line and column (characters from 1) of the text at `offset`. The column is exact
    /// for text written as is; entities and escapes (`&amp;`, `\*`) can shift it a little.
    pub fn place_at(&self, offset: usize) -> (usize, usize) {
        let index = self
            .line_marks
            .partition_point(|&(start, _, _)| start <= offset)
            .saturating_sub(1);
        self.line_marks
            .get(index)
            .map_or((0, 1), |&(start, line, column)| {
                let after = self
                    .text
                    .get(start..offset)
                    .map_or(0, |t| t.chars().count());
                (line, column + after)
            })
    }

    /// The file line the block starts on.
    pub fn first_line(&self) -> usize {
        self.line_at(0)
    }

    pub(super) fn push(&mut self, text: &str, (line, column): (usize, usize)) {
        // Only where the source jumps, so a plain paragraph keeps one mark per line.
        if self.place_at(self.text.len()) != (line, column) || self.line_marks.is_empty() {
            self.line_marks.push((self.text.len(), line, column));
        }
        self.text.push_str(text);
    }

    /// Gives back spare capacity: a block is kept for the life of the library (search snippets
    /// read it).
    pub(super) fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
        self.line_marks.shrink_to_fit();
    }
}
