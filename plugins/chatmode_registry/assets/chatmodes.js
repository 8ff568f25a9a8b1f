/* chatmode-registry: the catalog's behaviour. No dependencies, nothing loaded from elsewhere.
 *
 * - Catalog index ([data-cmr-catalog]): a text filter over name, description and tools,
 *   facets for tools (all selected must match) and models (any selected matches) with live
 *   counts, keyboard moves between results, state kept in the URL (?filter=&tool=&model=&sort=; not ?q=, which is
 *   Material's "open search" link: the index page renames an old ?q= before Material reads it).
 *   Sorting (name, last updated, most connected); each entry's tools and models filter by
 *   themselves when clicked, and each entry gets install links and a copy button.
 * - Chat mode pages ([data-cmr-copy]): copy the exact file text (kept as JSON in a
 *   <script type="application/json"> so that line endings and a BOM survive HTML parsing);
 *   [data-cmr-copy-text] buttons copy a command shown on the page (Copilot CLI);
 *   the link back to the index ([data-cmr-back]) returns to the filter the reader left.
 *
 * Everything in the HTML works without this script; the filter controls are hidden until
 * it runs (html.cmr-js). With Material's instant navigation, pages are set up again on
 * every navigation through its document$ observable.
 */
(function () {
  "use strict";

  function normalise(text) {
    return (text || "").toLocaleLowerCase();
  }

  /* ---------------------------------------------------------------- catalog index */

  //: How many tools of an entry are shown (and clickable); the rest are counted. Keep in
  //: step with the stylesheet's ".cmr-list > li > ul > li:nth-child(n+4)".
  var SHOWN_TOOLS = 3;

  //: Stands for an entry's slug in the install link templates (structure.py).
  var SLUG_MARKER = "cmr-slug-marker";

  function fileName(slug, agent) {
    return slug + (agent ? ".agent.md" : ".chatmode.md");
  }

  function chip(text, kind, label) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "cmr-chip";
    button.setAttribute("data-cmr-" + kind, text);
    button.setAttribute("aria-label", label + " " + text);
    button.textContent = text;
    return button;
  }

  function setupCatalog(root) {
    if (root.hasAttribute("data-cmr-ready")) return;
    root.setAttribute("data-cmr-ready", "");

    var form = root.querySelector("[data-cmr-filter]");
    var input = root.querySelector("input[type=search]");
    var status = root.querySelector(".cmr-status");
    var announce = root.querySelector("[data-cmr-announce]");
    var empty = root.querySelector(".cmr-empty");
    // The entries come in several lists (chunks, see index.html); events are handled on
    // their wrapper.
    var list = root.querySelector(".cmr-lists");
    var chunks = list ? Array.prototype.slice.call(list.querySelectorAll(":scope > .cmr-list")) : [];
    var chunkSize = chunks.length ? chunks[0].children.length : 1;
    var sortSelect = root.querySelector("select[name=sort]");
    var indexPath = window.location.pathname;
    if (!form || !input || !list) return;

    var templates = null;
    try {
      templates = JSON.parse(list.getAttribute("data-cmr-install") || "null");
    } catch (error) {
      templates = null;
    }

    // The buttons every entry gets, made once and cloned: install links (when the site has
    // a site_url) and copy.
    var actionsTemplate = document.createElement("span");
    actionsTemplate.className = "cmr-acts";
    if (templates) {
      ["Install", "Insiders"].forEach(function (text) {
        var link = document.createElement("a");
        link.className = "cmr-act";
        link.rel = "nofollow";
        link.textContent = text;
        actionsTemplate.appendChild(link);
      });
    }
    var copyTemplate = document.createElement("button");
    copyTemplate.type = "button";
    copyTemplate.className = "cmr-act cmr-act--copy";
    copyTemplate.textContent = "Copy";
    actionsTemplate.appendChild(copyTemplate);
    // The Copilot CLI install command, when the registry names a marketplace.
    var cliTemplate = list.getAttribute("data-cmr-cli");
    if (cliTemplate) {
      var cli = document.createElement("button");
      cli.type = "button";
      cli.className = "cmr-act cmr-act--cli";
      cli.textContent = "CLI";
      actionsTemplate.appendChild(cli);
    }

    // The entry markup is li[data-chatmode] > a (name), i (kind), b (badges), p
    // (description), small > code (models) and the counts, ul > li (tools): see
    // templates/chatmodes/entry.html.
    var entries = Array.prototype.map.call(list.querySelectorAll("li[data-chatmode]"), function (el, index) {
      var slug = el.getAttribute("data-chatmode");
      var head = el.querySelector(":scope > div");
      var name = el.querySelector(":scope > div > a");
      var kind = el.querySelector(":scope > div > i");
      var desc = el.querySelector(":scope > p");
      var small = el.querySelector(":scope > small");
      var agent = !!kind && kind.textContent === "agent";
      var toolItems = el.querySelectorAll(":scope > ul > li");
      var tools = Array.prototype.map.call(toolItems, function (item, position) {
        var tool = item.textContent;
        if (position < SHOWN_TOOLS) {
          item.textContent = "";
          item.appendChild(chip(tool, "tool", "Filter by tool"));
        }
        return tool;
      });
      var models = Array.prototype.map.call(el.querySelectorAll(":scope > small > code"), function (code) {
        var model = code.textContent;
        code.textContent = "";
        code.appendChild(chip(model, "model", "Filter by model"));
        return model;
      });
      var counts = /→(\d+) ←(\d+)/.exec(small ? small.textContent : "");
      var title = name ? name.textContent : slug;

      var actions = actionsTemplate.cloneNode(true);
      var buttons = actions.children;
      if (templates) {
        var pair = templates[agent ? "agent" : "chatmode"];
        buttons[0].href = pair[0].split(SLUG_MARKER).join(slug);
        buttons[0].setAttribute("aria-label", "Install " + title + " in VS Code");
        buttons[1].href = pair[1].split(SLUG_MARKER).join(slug);
        buttons[1].setAttribute("aria-label", "Install " + title + " in VS Code Insiders");
      }
      var copy = actions.querySelector(".cmr-act--copy");
      copy.setAttribute("aria-label", (agent ? "Copy agent file of " : "Copy chatmode file of ") + title);
      copy.setAttribute("data-cmr-file", fileName(slug, agent));
      if (cliTemplate) {
        var command = actions.querySelector(".cmr-act--cli");
        command.setAttribute("aria-label", "Copy the Copilot CLI command that installs " + title);
        command.setAttribute("data-cmr-command", cliTemplate.split(SLUG_MARKER).join(slug));
        command.title = command.getAttribute("data-cmr-command");
      }
      if (head) head.after(actions);
      else el.appendChild(actions);

      return {
        el: el,
        link: name,
        order: index,
        name: title,
        // The commit time (seconds), so that commits of one day sort by when they were made;
        // the day alone for an index written without it.
        updated: Number(el.getAttribute("data-updated-at")) || Date.parse(el.getAttribute("data-updated") || "") / 1000 || 0,
        connections: counts ? Number(counts[1]) + Number(counts[2]) : 0,
        text: normalise([title, desc ? desc.textContent : "", tools.join("\n")].join("\n")),
        tools: tools,
        models: models,
        shown: true
      };
    });
    var ordered = entries;

    function facetBoxes(kind) {
      return Array.prototype.slice.call(root.querySelectorAll('[data-cmr-facet="' + kind + '"] input[type=checkbox]'));
    }
    var toolBoxes = facetBoxes("tool");
    var modelBoxes = facetBoxes("model");

    function selected(boxes) {
      return boxes.filter(function (box) { return box.checked; }).map(function (box) { return box.value; });
    }

    function matchesText(entry, terms) {
      for (var i = 0; i < terms.length; i++) {
        if (entry.text.indexOf(terms[i]) === -1) return false;
      }
      return true;
    }
    function hasAll(values, wanted) {
      for (var i = 0; i < wanted.length; i++) {
        if (values.indexOf(wanted[i]) === -1) return false;
      }
      return true;
    }
    function hasAny(values, wanted) {
      if (!wanted.length) return true;
      for (var i = 0; i < wanted.length; i++) {
        if (values.indexOf(wanted[i]) !== -1) return true;
      }
      return false;
    }

    function setCounts(boxes, counts) {
      boxes.forEach(function (box) {
        var label = box.closest("label");
        var count = label && label.querySelector(".cmr-count");
        var value = counts[box.value] || 0;
        if (count) count.textContent = String(value);
        if (label) label.classList.toggle("cmr-zero", value === 0 && !box.checked);
      });
    }
    function markSelected(kind, values) {
      var holder = root.querySelector('[data-cmr-facet="' + kind + '"] .cmr-facet__selected');
      if (holder) holder.textContent = values.length ? "(" + values.length + " selected)" : "";
    }

    var pending = false;
    function schedule() {
      if (pending) return;
      pending = true;
      window.requestAnimationFrame(flush);
    }

    // Keys that act on the results (Enter, ArrowDown) may come before the next frame: they
    // must see the list for what was typed, not the one before it.
    function flush() {
      if (!pending) return;
      pending = false;
      apply();
    }

    // Sorting: the HTML is in name order; the other orders are computed when first asked
    // for and the entries moved in one fragment.
    var orders = { name: entries };
    function sortedBy(key) {
      if (!orders[key]) {
        var copy = entries.slice();
        if (key === "updated") {
          copy.sort(function (a, b) {
            return b.updated - a.updated || a.order - b.order;
          });
        } else if (key === "connected") {
          copy.sort(function (a, b) { return b.connections - a.connections || a.order - b.order; });
        } else {
          return entries;
        }
        orders[key] = copy;
      }
      return orders[key];
    }
    function sortKey() {
      return sortSelect ? sortSelect.value : "name";
    }
    function reorder() {
      var wanted = sortedBy(sortKey());
      if (wanted === ordered) return;
      chunks.forEach(function (chunk, index) {
        var fragment = document.createDocumentFragment();
        wanted.slice(index * chunkSize, (index + 1) * chunkSize).forEach(function (entry) {
          fragment.appendChild(entry.el);
        });
        chunk.appendChild(fragment);
      });
      ordered = wanted;
    }

    // A list off screen is not laid out, so its height is an estimate: about one entry's
    // height per entry shown (the real height replaces it once the list scrolls into view).
    // An empty list is hidden.
    function sizeChunks(shownPerChunk) {
      chunks.forEach(function (chunk, index) {
        var shown = shownPerChunk[index] || 0;
        if (chunk.cmrShown === shown) return;
        chunk.cmrShown = shown;
        chunk.hidden = shown === 0;
        chunk.style.containIntrinsicBlockSize = shown * 5 + "em";
      });
    }

    function apply() {
      var terms = normalise(input.value).split(/\s+/).filter(Boolean);
      var tools = selected(toolBoxes);
      var models = selected(modelBoxes);
      var toolCounts = Object.create(null);
      var modelCounts = Object.create(null);
      var shown = 0;
      var shownPerChunk = [];
      reorder();
      ordered.forEach(function (entry, position) {
        var textOk = matchesText(entry, terms);
        var toolsOk = hasAll(entry.tools, tools);
        var modelsOk = hasAny(entry.models, models);
        // A facet's counts say how many results there would be with that value added,
        // so each facet is counted over the entries that pass every *other* filter.
        if (textOk && modelsOk && toolsOk) {
          entry.tools.forEach(function (tool) { toolCounts[tool] = (toolCounts[tool] || 0) + 1; });
        }
        if (textOk && toolsOk) {
          entry.models.forEach(function (model) { modelCounts[model] = (modelCounts[model] || 0) + 1; });
        }
        var show = textOk && toolsOk && modelsOk;
        if (show !== entry.shown) {
          entry.el.hidden = !show;
          entry.shown = show;
        }
        if (show) {
          shown++;
          var chunk = Math.floor(position / chunkSize);
          shownPerChunk[chunk] = (shownPerChunk[chunk] || 0) + 1;
        }
      });
      sizeChunks(shownPerChunk);
      setCounts(toolBoxes, toolCounts);
      setCounts(modelBoxes, modelCounts);
      markSelected("tool", tools);
      markSelected("model", models);
      if (status) {
        status.textContent = shown === entries.length
          ? entries.length + (entries.length === 1 ? " chat mode" : " chat modes")
          : "Showing " + shown + " of " + entries.length + " chat modes";
      }
      if (empty) empty.hidden = shown !== 0;
      remember(input.value, tools, models, sortKey());
    }

    function remember(text, tools, models, sort) {
      if (!window.history || !window.URLSearchParams) return;
      // Instant navigation changes the URL before it replaces the page, and leaving the
      // search box fires "change" on the way: the URL may be another page's by now.
      if (window.location.pathname !== indexPath) return;
      var params = new URLSearchParams();
      if (text) params.set("filter", text);
      tools.forEach(function (tool) { params.append("tool", tool); });
      models.forEach(function (model) { params.append("model", model); });
      if (sort && sort !== "name") params.set("sort", sort);
      var query = params.toString();
      var url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
      if (url !== window.location.pathname + window.location.search + window.location.hash) {
        window.history.replaceState(window.history.state, "", url);
      }
      rememberIndex(window.location.href);
    }

    function restore() {
      if (!window.URLSearchParams) return;
      var params = new URLSearchParams(window.location.search);
      // "q" for links from before the parameter was renamed (the index page renames it
      // on load; instant navigation does not run that again).
      input.value = params.get("filter") || params.get("q") || "";
      var tools = params.getAll("tool");
      var models = params.getAll("model");
      toolBoxes.forEach(function (box) { box.checked = tools.indexOf(box.value) !== -1; });
      modelBoxes.forEach(function (box) { box.checked = models.indexOf(box.value) !== -1; });
      if (sortSelect) {
        var sort = params.get("sort");
        var known = Array.prototype.some.call(sortSelect.options, function (option) { return option.value === sort; });
        sortSelect.value = known ? sort : "name";
      }
    }

    function visibleLinks() {
      return ordered.filter(function (entry) { return entry.shown && entry.link; }).map(function (entry) {
        return entry.link;
      });
    }

    function toggleFacet(boxes, value) {
      for (var i = 0; i < boxes.length; i++) {
        if (boxes[i].value === value) {
          boxes[i].checked = !boxes[i].checked;
          apply();
          return;
        }
      }
    }

    input.addEventListener("input", schedule);
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        flush();
        var links = visibleLinks();
        if (links.length) {
          event.preventDefault();
          links[0].focus();
        }
      } else if (event.key === "Escape" && input.value) {
        event.preventDefault();
        event.stopPropagation();
        input.value = "";
        schedule();
      } else if (event.key === "Enter") {
        flush();
        var first = visibleLinks()[0];
        event.preventDefault();
        if (first) first.click();
      }
    });
    list.addEventListener("keydown", function (event) {
      if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
      var links = visibleLinks();
      var index = links.indexOf(document.activeElement);
      if (index === -1) return;
      event.preventDefault();
      if (event.key === "ArrowDown" && index < links.length - 1) links[index + 1].focus();
      if (event.key === "ArrowUp") (index === 0 ? input : links[index - 1]).focus();
    });
    list.addEventListener("click", function (event) {
      var target = event.target.closest("button");
      if (!target || !list.contains(target)) return;
      if (target.hasAttribute("data-cmr-tool")) {
        toggleFacet(toolBoxes, target.getAttribute("data-cmr-tool"));
      } else if (target.hasAttribute("data-cmr-model")) {
        toggleFacet(modelBoxes, target.getAttribute("data-cmr-model"));
      } else if (target.hasAttribute("data-cmr-file")) {
        copyEntry(target, announce);
      } else if (target.hasAttribute("data-cmr-command")) {
        copyCommand(target, announce);
      }
    });
    form.addEventListener("change", schedule);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("reset", function () { window.setTimeout(apply, 0); });

    restore();
    apply();
  }

  function rememberIndex(url) {
    try {
      window.sessionStorage.setItem("cmr-index", url);
    } catch (error) {
      /* storage may be off: the back link then goes to the plain index */
    }
  }

  /* A chat mode page's link back to the index returns to the list as the reader left it
     (its filter and sort), when the reader came from that index. */
  function setupBackLink(link) {
    var stored = null;
    try {
      stored = window.sessionStorage.getItem("cmr-index");
    } catch (error) {
      stored = null;
    }
    if (!stored) return;
    var target = new URL(link.getAttribute("href"), window.location.href);
    var from = new URL(stored, window.location.href);
    if (from.origin === target.origin && from.pathname === target.pathname) {
      link.href = from.pathname + from.search;
    }
  }

  /* ---------------------------------------------------------------- copy button */

  function copyWithSelection(text) {
    // For pages served without a secure context (plain http), where navigator.clipboard
    // is missing: a temporary off-screen text area and the old copy command.
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.top = "-1000px";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var done = false;
    try {
      done = document.execCommand("copy");
    } catch (error) {
      done = false;
    }
    document.body.removeChild(area);
    return done ? Promise.resolve() : Promise.reject(new Error("copy command refused"));
  }

  function copyText(text) {
    if (navigator.clipboard && navigator.clipboard.writeText) {
      return navigator.clipboard.writeText(text).catch(function () {
        return copyWithSelection(text);
      });
    }
    return copyWithSelection(text);
  }

  function setupCopy(button) {
    if (button.hasAttribute("data-cmr-ready")) return;
    button.setAttribute("data-cmr-ready", "");
    var status = button.parentNode.querySelector(".cmr-copy-status");
    var download = button.parentNode.querySelector("a[download]");
    button.hidden = false;
    button.addEventListener("click", function () {
      // The file's text is embedded in the page; looked up now, not at setup, because
      // instant navigation may put the page's elements in place after it announces it.
      var holder = document.getElementById(button.getAttribute("data-cmr-copy"));
      var text;
      if (holder) {
        try {
          text = Promise.resolve(JSON.parse(holder.textContent));
        } catch (error) {
          text = null;
        }
      }
      if (!text && download) text = fetchText(download.href);
      if (!text) {
        if (status) status.textContent = "Could not read the file text.";
        return;
      }
      text.then(copyText).then(
        function () {
          button.setAttribute("data-cmr-copied", "");
          if (status) status.textContent = "Copied to the clipboard.";
        },
        function () {
          if (status) status.textContent = "Copying failed: use the download link.";
        }
      );
    });
  }

  /* A button that copies the text of the element its data-cmr-copy-text names (a command in
     a code field). Like an index entry's buttons it says "Copied" for a moment, and its
     group's (visually hidden) status tells screen readers: nothing floats over the page. */
  function setupCopyText(button) {
    if (button.hasAttribute("data-cmr-ready")) return;
    button.setAttribute("data-cmr-ready", "");
    var group = button.closest("[role=group]");
    var say = entrySay(button, group && group.querySelector(".cmr-cli__status"), "Copy");
    button.hidden = false;
    button.addEventListener("click", function () {
      var holder = document.getElementById(button.getAttribute("data-cmr-copy-text"));
      if (!holder) return;
      copyText(holder.textContent).then(
        function () {
          button.setAttribute("data-cmr-copied", "");
          say("Copied to the clipboard.", "Copied");
        },
        function () {
          say("Copying failed: select the command and copy it.", "Failed");
        }
      );
    });
  }

  /* The exact text of a published file: decoded with its BOM kept. */
  function fetchText(url) {
    return fetch(url)
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.arrayBuffer();
      })
      .then(function (bytes) {
        return new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
      });
  }

  /* An index entry's Copy button: the index does not carry the files' text (it must stay
     small at 10,000 entries), so the raw file is fetched from beside the chat mode's page.
     Decoded with the BOM kept, so the clipboard gets exactly the file's text. */
  function copyEntry(button, announce) {
    var entry = button.closest("li[data-chatmode]");
    var link = entry && entry.querySelector(":scope > div > a");
    if (!link) return;
    var url = new URL(button.getAttribute("data-cmr-file"), link.href);
    var name = link.textContent;
    var say = entrySay(button, announce, "Copy");
    fetchText(url.href)
      .then(copyText)
      .then(
        function () {
          button.setAttribute("data-cmr-copied", "");
          say("Copied the file of " + name + " to the clipboard.", "Copied");
        },
        function () {
          say("Copying failed: open the page of " + name + " to download the file.", "Failed");
        }
      );
  }

  /* Says on a copy button (briefly, then back to ``rest``) and to screen readers how a copy
     went. */
  function entrySay(button, announce, rest) {
    return function (text, label) {
      if (announce) announce.textContent = text;
      button.textContent = label;
      window.clearTimeout(button.cmrTimer);
      button.cmrTimer = window.setTimeout(function () { button.textContent = rest; }, 2500);
    };
  }

  /* An index entry's CLI button: its Copilot CLI install command. */
  function copyCommand(button, announce) {
    var say = entrySay(button, announce, "CLI");
    copyText(button.getAttribute("data-cmr-command")).then(
      function () {
        button.setAttribute("data-cmr-copied", "");
        say("Copied the Copilot CLI install command to the clipboard.", "Copied");
      },
      function () {
        say("Copying failed: open the chat mode's page to copy the command.", "Failed");
      }
    );
  }

  /* ---------------------------------------------------------------- wiring */

  // Material's search is a dialog without a name (axe: aria-dialog-name, serious).
  function nameSearchDialog() {
    var dialog = document.querySelector(".md-search[role=dialog]:not([aria-label]):not([aria-labelledby])");
    if (dialog) dialog.setAttribute("aria-label", "Search");
  }

  function setup() {
    document.documentElement.classList.add("cmr-js");
    nameSearchDialog();
    Array.prototype.forEach.call(document.querySelectorAll("[data-cmr-catalog]"), setupCatalog);
    Array.prototype.forEach.call(document.querySelectorAll("[data-cmr-copy]"), setupCopy);
    Array.prototype.forEach.call(document.querySelectorAll("[data-cmr-copy-text]"), setupCopyText);
    Array.prototype.forEach.call(document.querySelectorAll("a[data-cmr-back]"), setupBackLink);
  }

  document.documentElement.classList.add("cmr-js");
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setup);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
