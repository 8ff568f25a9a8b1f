/* chatmode-registry: the catalog's behaviour. No dependencies, nothing loaded from elsewhere.
 *
 * - Catalog index ([data-cmr-catalog]): a text filter over name, description and tools,
 *   facets for tools (all selected must match) and models (any selected matches) with live
 *   counts, keyboard moves between results, state kept in the URL (?q=&tool=&model=).
 * - Chat mode pages ([data-cmr-copy]): copy the exact file text (kept as JSON in a
 *   <script type="application/json"> so that line endings and a BOM survive HTML parsing).
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

  function setupCatalog(root) {
    if (root.hasAttribute("data-cmr-ready")) return;
    root.setAttribute("data-cmr-ready", "");

    var form = root.querySelector("[data-cmr-filter]");
    var input = root.querySelector("input[type=search]");
    var status = root.querySelector(".cmr-status");
    var empty = root.querySelector(".cmr-empty");
    var list = root.querySelector(".cmr-list");
    if (!form || !input || !list) return;

    // The entry markup is li[data-chatmode] > a (name), p (description), small > code
    // (models), ul > li (tools): see templates/chatmodes/entry.html.
    var entries = Array.prototype.map.call(list.querySelectorAll("li[data-chatmode]"), function (el) {
      var name = el.querySelector(":scope > a");
      var desc = el.querySelector(":scope > p");
      var tools = Array.prototype.map.call(el.querySelectorAll(":scope > ul > li"), function (chip) {
        return chip.textContent;
      });
      var models = Array.prototype.map.call(el.querySelectorAll(":scope > small > code"), function (item) {
        return item.textContent;
      });
      return {
        el: el,
        link: name,
        text: normalise([name ? name.textContent : "", desc ? desc.textContent : "", tools.join("\n")].join("\n")),
        tools: tools,
        models: models,
        shown: true
      };
    });

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
      window.requestAnimationFrame(function () {
        pending = false;
        apply();
      });
    }

    function apply() {
      var terms = normalise(input.value).split(/\s+/).filter(Boolean);
      var tools = selected(toolBoxes);
      var models = selected(modelBoxes);
      var toolCounts = Object.create(null);
      var modelCounts = Object.create(null);
      var shown = 0;
      entries.forEach(function (entry) {
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
        if (show) shown++;
      });
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
      remember(input.value, tools, models);
    }

    function remember(text, tools, models) {
      if (!window.history || !window.URLSearchParams) return;
      var params = new URLSearchParams();
      if (text) params.set("q", text);
      tools.forEach(function (tool) { params.append("tool", tool); });
      models.forEach(function (model) { params.append("model", model); });
      var query = params.toString();
      var url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
      if (url !== window.location.pathname + window.location.search + window.location.hash) {
        window.history.replaceState(window.history.state, "", url);
      }
    }

    function restore() {
      if (!window.URLSearchParams) return;
      var params = new URLSearchParams(window.location.search);
      input.value = params.get("q") || "";
      var tools = params.getAll("tool");
      var models = params.getAll("model");
      toolBoxes.forEach(function (box) { box.checked = tools.indexOf(box.value) !== -1; });
      modelBoxes.forEach(function (box) { box.checked = models.indexOf(box.value) !== -1; });
      if (tools.length) root.querySelector('[data-cmr-facet="tool"]').open = true;
      if (models.length) root.querySelector('[data-cmr-facet="model"]').open = true;
    }

    function visibleLinks() {
      return entries.filter(function (entry) { return entry.shown && entry.link; }).map(function (entry) {
        return entry.link;
      });
    }

    input.addEventListener("input", schedule);
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
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
    form.addEventListener("change", schedule);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("reset", function () { window.setTimeout(apply, 0); });

    restore();
    apply();
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
    var holder = document.getElementById(button.getAttribute("data-cmr-copy"));
    if (!holder) return;
    var status = button.parentNode.querySelector(".cmr-copy-status");
    button.hidden = false;
    button.addEventListener("click", function () {
      var text;
      try {
        text = JSON.parse(holder.textContent);
      } catch (error) {
        if (status) status.textContent = "Could not read the file text.";
        return;
      }
      copyText(text).then(
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

  /* ---------------------------------------------------------------- wiring */

  function setup() {
    document.documentElement.classList.add("cmr-js");
    Array.prototype.forEach.call(document.querySelectorAll("[data-cmr-catalog]"), setupCatalog);
    Array.prototype.forEach.call(document.querySelectorAll("[data-cmr-copy]"), setupCopy);
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
