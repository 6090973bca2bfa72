import { Component, onWillStart, onWillUnmount, useState } from "@odoo/owl";
import { browser } from "@web/core/browser/browser";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { formatFloat } from "@web/core/utils/numbers";

export const KIOSK_REFRESH_MS = 60000;

/** Minutes as a Quebec reader writes them: "4,5 min"; blank when there is nothing. */
export function formatMinutes(value) {
    if (value === null || value === undefined) {
        return "";
    }
    return String(_t("%s min", formatFloat(value, { digits: [16, 1] })));
}

/** A share: "42 %"; blank when no lead has an outcome yet. */
export function formatShare(value) {
    if (value === null || value === undefined) {
        return "";
    }
    return `${formatFloat(value, { digits: [16, 0] })} %`;
}

/** Seconds as a reader says them: "4 s", "2 min". */
export function formatSeconds(value) {
    if (value < 120) {
        return String(_t("%s s", formatFloat(value, { digits: [16, 0] })));
    }
    return formatMinutes(value / 60);
}

/**
 * One source's mystery shopper in a sentence: "acknowledged in 4 s, answered by a person in
 * 12 min (latest test: Marc Gagnon)"; what did not happen yet says so.
 */
export function formatMysterySummary(test) {
    const ack =
        test.ack_seconds === null || test.ack_seconds === undefined
            ? _t("not acknowledged yet")
            : _t("acknowledged in %s", formatSeconds(test.ack_seconds));
    let answer;
    if (test.answer_minutes === null || test.answer_minutes === undefined) {
        answer = _t("not answered by a person yet");
    } else if (test.last_answered_by) {
        answer = _t("answered by a person in %(time)s (latest test: %(name)s)", {
            time: formatMinutes(test.answer_minutes),
            name: test.last_answered_by,
        });
    } else {
        answer = _t("answered by a person in %s", formatMinutes(test.answer_minutes));
    }
    return `${ack}, ${answer}`;
}

/**
 * Leaderboard: per salesperson, team or source, for today, this week or this month, how many
 * leads came, how many a person answered, how fast (median, 90th percentile, shares within
 * 5, 10 and 60 minutes), how many missed their deadline, business hours and after hours
 * apart, and the answers to later customer messages. The figures come computed from the
 * server (``dealer.leaderboard``); a blank means there is nothing to measure yet.
 *
 * In kiosk mode (action param ``kiosk``) it refreshes itself for a showroom screen.
 */
export class DealerLeaderboard extends Component {
    static template = "dealer_lead_addon.Leaderboard";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.kiosk = Boolean(this.props.action?.params?.kiosk);
        this.state = useState({
            data: null,
            period: "today",
            dimension: "user_id",
        });
        this.periods = [
            ["today", _t("Today")],
            ["week", _t("This week")],
            ["month", _t("This month")],
        ];
        this.dimensions = [
            ["user_id", _t("Salesperson")],
            ["team_id", _t("Team")],
            ["source_id", _t("Source")],
        ];
        onWillStart(() => this.load());
        if (this.kiosk) {
            this.interval = browser.setInterval(() => this.load(), KIOSK_REFRESH_MS);
            onWillUnmount(() => browser.clearInterval(this.interval));
        }
    }

    async load() {
        this.state.data = await this.orm.call("dealer.leaderboard", "dealer_leaderboard_data", [], {
            kiosk: this.kiosk,
        });
    }

    get figures() {
        return this.state.data?.periods[this.state.period];
    }

    get rows() {
        return this.figures ? this.figures[this.state.dimension] : [];
    }

    get dimensionLabel() {
        return this.dimensions.find(([key]) => key === this.state.dimension)[1];
    }

    /** The mystery shopper's rows of the period, one per source. */
    get mysteryRows() {
        return this.state.data?.mystery?.[this.state.period] || [];
    }

    mysterySummary(test) {
        return formatMysterySummary(test);
    }

    mysteryCount(test) {
        return _t("tests: %(tests)s, answered: %(answered)s", {
            tests: test.tests,
            answered: test.answered,
        });
    }

    setPeriod(period) {
        this.state.period = period;
    }

    setDimension(dimension) {
        this.state.dimension = dimension;
    }

    minutes(value) {
        return formatMinutes(value);
    }

    share(value) {
        return formatShare(value);
    }
}

registry.category("actions").add("dealer_leaderboard", DealerLeaderboard);
