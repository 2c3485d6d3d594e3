// Words for counts and lists, so no page ever says "card(s)".

/** "1 card", "2 cards", "no cards" (with `zero`). */
export function count(n: number, one: string, many: string, zero?: string): string {
    if (n === 0 && zero !== undefined) {
        return zero;
    }
    return `${n} ${n === 1 ? one : many}`;
}

/** "Alan", "Alan and Grace", "Alan, Grace and Katherine" (each name once, in first-seen order). */
export function names(list: string[]): string {
    const unique = [...new Set(list)];
    if (unique.length <= 1) {
        return unique.join("");
    }
    return `${unique.slice(0, -1).join(", ")} and ${unique[unique.length - 1]}`;
}
