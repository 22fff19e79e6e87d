package io.ringside.services.memcached.store;

/**
 * Looks at one item during {@link CacheStore#metaGet}, through an {@link ItemView} bound to it. The store calls it
 * while it holds the item's stripe lock, so the item cannot change (other than by this visitor) or be freed during
 * the call. The same rules as for a {@link ValueSink} apply: never keep the view, never call back into the store
 * (the lock is not reentrant), do not block. Called on the thread that called the store.
 */
@FunctionalInterface
public interface ItemVisitor {
    /** The hit (or the item just created by {@link ReadOptions#VIVIFY}). */
    void visit(ItemView item);
}
