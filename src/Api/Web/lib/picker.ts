// Choosing pictures for a card: checked here first (type and size, how many), previewed with a remove button, and
// uploaded by the page once the card exists. The server checks everything again and re-encodes what it keeps.
import { maxPictureBytes, pictureTypes } from "./api.js";
import { h } from "./dom.js";

export interface Picker {
    /** The pictures chosen and accepted so far, in order. */
    files(): File[];
    /** Drops one picture (after it was uploaded) or all of them. */
    drop(file: File): void;
    clear(): void;
    /** How many pictures may still be chosen. */
    setRoom(room: number): void;
}

function megabytes(bytes: number): string {
    return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/**
 * Wires a file input and a preview list. `report` shows a problem next to the input (null clears it); nothing invalid
 * is ever kept, so the page never sends a file the server would refuse for its type or size.
 */
export function picturePicker(input: HTMLInputElement, previews: HTMLElement, report: (message: string | null) => void, room: number): Picker {
    let chosen: { file: File; url: string }[] = [];
    let limit = room;

    const draw = () => {
        previews.replaceChildren(...chosen.map(({ file, url }) => {
            const remove = h("button", { type: "button", class: "link danger-text", "aria-label": `Remove ${file.name}` }, "Remove");
            remove.addEventListener("click", () => {
                drop(file);
                input.focus();
            });
            return h("li", { class: "picture-preview" },
                h("img", { src: url, alt: `Preview of ${file.name}` }),
                h("span", { class: "picture-name" }, file.name),
                remove);
        }));
        previews.hidden = chosen.length === 0;
        input.disabled = chosen.length >= limit;
    };

    const drop = (file: File) => {
        const entry = chosen.find(c => c.file === file);
        if (entry !== undefined) {
            URL.revokeObjectURL(entry.url);
            chosen = chosen.filter(c => c !== entry);
            draw();
        }
    };

    input.addEventListener("change", () => {
        const problems: string[] = [];
        for (const file of Array.from(input.files ?? [])) {
            if (!(pictureTypes as readonly string[]).includes(file.type)) {
                problems.push(`"${file.name}" is not a picture this board can take: choose a JPEG, PNG, WebP or GIF file.`);
            } else if (file.size > maxPictureBytes) {
                problems.push(`"${file.name}" is ${megabytes(file.size)}: a picture can be 5 MB at most.`);
            } else if (chosen.length >= limit) {
                problems.push(limit === 1 ? "There is room for one more picture only." : `A card can have ${limit} pictures at most.`);
                break;
            } else {
                chosen.push({ file, url: URL.createObjectURL(file) });
            }
        }
        // Choosing the same file again after removing it must fire "change" again.
        input.value = "";
        report(problems.length > 0 ? problems.join(" ") : null);
        draw();
    });

    draw();
    return {
        files: () => chosen.map(c => c.file),
        drop,
        clear: () => {
            for (const c of chosen) {
                URL.revokeObjectURL(c.url);
            }
            chosen = [];
            draw();
        },
        setRoom: value => {
            limit = value;
            draw();
        },
    };
}
