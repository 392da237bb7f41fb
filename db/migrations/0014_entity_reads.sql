-- One entity's read (GET /entities/{id}) asks whether any link in the reader's scope names it, or
-- was moved to another entity from it by a merge (so a merged entity's page still opens for those
-- who saw it). Links by entity have an index (the unique key); links by the entity they were moved
-- from had none, so that half of the question read all 1,000,000 links. Most links were never
-- moved: the index holds only those that were.
create index episode_entities_moved_from_idx on episode_entities (moved_from)
    where moved_from is not null;
