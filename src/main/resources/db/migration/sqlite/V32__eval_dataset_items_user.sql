-- The end user of the logged request a dataset item came from: erasing the user deletes the item even after
-- the request-log row has expired.
ALTER TABLE eval_dataset_items ADD COLUMN end_user TEXT;
UPDATE eval_dataset_items SET end_user = (SELECT MAX(r.end_user) FROM request_log r
                                          WHERE r.request_id = eval_dataset_items.source_request_id)
 WHERE source_request_id IS NOT NULL;
CREATE INDEX eval_dataset_items_user ON eval_dataset_items (end_user);
