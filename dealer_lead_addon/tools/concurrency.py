"""Concurrency helpers: which errors Odoo retries, and short side transactions in READ
COMMITTED for counters shared by every worker.

A request runs in REPEATABLE READ: locking a row another worker updated after our snapshot
fails with a serialization error. A side transaction in READ COMMITTED re-reads the locked rows
fresh, so it waits for the other worker instead of failing, and it commits at once, so the row
lock is held for milliseconds and not for the whole request.
"""

from contextlib import contextmanager

from psycopg2 import errors

from odoo.exceptions import ConcurrencyError
from odoo.modules import module
from odoo.tools import SQL

# a side transaction never waits longer than this for a lock (its caller may be holding it)
SIDE_LOCK_TIMEOUT = "5s"
# what ``odoo.service.model.retrying`` retries: never caught, never quarantined
CONCURRENCY_ERRORS = (ConcurrencyError, errors.SerializationFailure, errors.LockNotAvailable,
                      errors.DeadlockDetected)


def try_xact_locks(cr, lock_ids):
    """Try to take the transaction-level advisory locks ``lock_ids`` in their order, in one
    round trip, stopping at the first one another transaction holds (a ``CASE`` evaluates
    its branches in order: the locks after it are not taken, so two transactions locking
    keys in the same order never deadlock).

    :return: the first lock id held by another transaction, or None when all are taken
    """
    if not lock_ids:
        return None
    branches = SQL(" ").join(
        SQL("WHEN NOT pg_try_advisory_xact_lock(%s) THEN %s", lock_id, index)
        for index, lock_id in enumerate(lock_ids))
    cr.execute(SQL("SELECT CASE %s ELSE -1 END", branches))
    index = cr.fetchone()[0]
    return lock_ids[index] if index >= 0 else None


@contextmanager
def read_committed_cursor(env, lock_timeout=SIDE_LOCK_TIMEOUT, inline=False):
    """A new cursor in READ COMMITTED, committed when the block ends without error.

    Under tests the block runs on ``env.cr``: test cursors share one connection and another
    connection could not see the test's uncommitted records (Odoo itself checks
    ``current_test`` the same way before committing e-mails).

    While modules are installed or upgraded (the registry is not ready) the block runs on
    ``env.cr`` too: that transaction holds locks on the tables it alters, and a second
    connection waiting for them would wait for ever for its own caller. Elsewhere a lock the
    side transaction cannot get within ``lock_timeout`` (default ``SIDE_LOCK_TIMEOUT``) raises
    ``LockNotAvailable``, which Odoo retries, instead of hanging. ``inline=True`` asks for
    ``env.cr`` too: the caller knows its own transaction holds locks the block needs.

    :return: ``(cursor, inline)``; ``inline`` is True when the work is part of ``env.cr``'s
        transaction (and is rolled back with it)
    """
    if inline or module.current_test or not env.registry.ready:
        yield env.cr, True
        return
    with env.registry.cursor() as cr:
        # one round trip for both
        cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED; SET LOCAL lock_timeout = %s",
                   [lock_timeout])
        yield cr, False


def unseen_committed(records, domain, limit=100):
    """Ids of the records matching ``domain`` that a transaction started now sees and the
    transaction of ``records`` cannot: they were committed after its snapshot.

    A queue run that starts within the second another worker commits work for it cannot see
    that work, and when it ends ``ir.cron`` clears the triggers due up to that second: the
    wake-up is lost until the cron's next interval. A run that reports these as remaining is
    called again at once by the cron runner, in a new transaction that sees them.
    """
    with read_committed_cursor(records.env) as (cr, inline):
        if inline:
            return []
        committed = records.with_env(records.env(cr=cr)).search(domain, limit=limit).ids
    visible = set(records.browse(committed).exists().ids)
    return [record_id for record_id in committed if record_id not in visible]
