//! Where "Is this page helpful?" answers are counted (per article and day) and comments kept.
//! No statement here takes anything about who answered.

use std::collections::HashMap;

use sqlx::Row;
use time::OffsetDateTime;

use super::{Storage, StoreError, from_unix, unix};
use crate::discussion::feedback::{Answer, ArticleFeedback, Comment, ReportComment};

/// Days since 1970-01-01 (UTC): the only time an answer is counted under.
fn day(time: OffsetDateTime) -> i64 {
    time.unix_timestamp().div_euclid(24 * 60 * 60)
}

impl Storage {
    /// Counts one answer for `article_slug` on today's row.
    pub async fn record_feedback(
        &self,
        article_slug: &str,
        answer: Answer,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let (yes, no) = match answer {
            Answer::Yes => (1_i64, 0_i64),
            Answer::No => (0, 1),
        };
        sqlx::query(
            "INSERT INTO feedback_counts (article_slug, day, yes_count, no_count) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (article_slug, day) DO UPDATE \
             SET yes_count = feedback_counts.yes_count + $3, \
                 no_count = feedback_counts.no_count + $4",
        )
        .bind(article_slug)
        .bind(day(now))
        .bind(yes)
        .bind(no)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Keeps a reader's comment, with the answer it followed.
    pub async fn add_feedback_comment(
        &self,
        article_slug: &str,
        answer: Answer,
        comment: &Comment,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO feedback_comments (article_slug, helpful, body, created_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(article_slug)
        .bind(i64::from(answer == Answer::Yes))
        .bind(comment.as_str())
        .bind(unix(now))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Every article answered since `since` (all time when `None`), with its newest
    /// `comments_each` comments from the same period, in no particular order.
    pub async fn feedback_report(
        &self,
        since: Option<OffsetDateTime>,
        comments_each: usize,
    ) -> Result<Vec<ArticleFeedback>, StoreError> {
        let since = since.unwrap_or(OffsetDateTime::UNIX_EPOCH);
        // SUM of BIGINT is NUMERIC in PostgreSQL, which the Any driver cannot read.
        let counts = sqlx::query(
            "SELECT article_slug, CAST(SUM(yes_count) AS BIGINT) AS yes, \
             CAST(SUM(no_count) AS BIGINT) AS no FROM feedback_counts \
             WHERE day >= $1 GROUP BY article_slug",
        )
        .bind(day(since))
        .fetch_all(&self.pool)
        .await?;
        let mut report: HashMap<String, ArticleFeedback> = HashMap::new();
        for row in &counts {
            let slug: String = row.try_get("article_slug")?;
            report.insert(
                slug.clone(),
                ArticleFeedback {
                    article_slug: slug,
                    yes: row.try_get("yes")?,
                    no: row.try_get("no")?,
                    recent_comments: Vec::new(),
                },
            );
        }
        let comments = sqlx::query(
            "SELECT article_slug, helpful, body, created_at FROM feedback_comments \
             WHERE created_at >= $1 ORDER BY created_at DESC, id DESC",
        )
        .bind(unix(since))
        .fetch_all(&self.pool)
        .await?;
        for row in &comments {
            let slug: String = row.try_get("article_slug")?;
            let entry = report
                .entry(slug.clone())
                .or_insert_with(|| ArticleFeedback {
                    article_slug: slug,
                    yes: 0,
                    no: 0,
                    recent_comments: Vec::new(),
                });
            if entry.recent_comments.len() < comments_each {
                entry.recent_comments.push(ReportComment {
                    answer: if row.try_get::<i64, _>("helpful")? == 1 {
                        Answer::Yes
                    } else {
                        Answer::No
                    },
                    text: row.try_get("body")?,
                    created_at: from_unix(row.try_get("created_at")?),
                });
            }
        }
        Ok(report.into_values().collect())
    }
}
