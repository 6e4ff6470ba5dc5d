-- A removed post keeps only its number and who removed it: the text, name and email of posts
-- removed before this migration are deleted too (new removals delete them at once).
UPDATE posts SET body = '', display_name = '', email = NULL WHERE removed_at IS NOT NULL;
