/* chatmode-registry: the transition graphs' behaviour. Our own code, no dependencies.
 *
 * - Every drawing (svg.cmr-graph): hovering or focusing a node lights it, its edges and its
 *   neighbours and dims the rest. Every node can be reached by keyboard: boxes with a page
 *   are links, the others get tabindex="0"; the arrow keys move between nodes in reading
 *   order. Clicking a node (or Enter / Space) selects it: it stays lit and, on the graph
 *   page, the details below the drawing list its neighbours. Activating the selected node
 *   again opens its page; Escape clears the selection.
 * - The graph page's view ([data-cmr-graph-view]): zoom buttons, Ctrl/Cmd + wheel and the
 *   + / - / 0 keys zoom, the viewport scrolls (drag it with the mouse to pan). The drawing
 *   starts at a scale that keeps labels at least 12 px tall.
 * - A key's entries (button[data-cmr-kind]) show or hide their kind of edge (aria-pressed).
 *
 * The drawings are static SVG written at build time and work without this script.
 */
(function () {
  "use strict";

  var XLINK = "http://www.w3.org/1999/xlink";
  var FONT_SIZE = 13; // the drawings' label size at their natural scale (render/graph/text.py)
  var MIN_LABEL = 12;

  function each(list, callback) {
    Array.prototype.forEach.call(list, callback);
  }

  function nodeLabel(group) {
    var text = group.querySelector("text");
    return text ? text.textContent : group.getAttribute("data-node");
  }

  function nodeHref(group) {
    var link = group.querySelector("a");
    return link ? link.getAttributeNS(XLINK, "href") || link.getAttribute("href") : null;
  }

  /* ---------------------------------------------------------------- one drawing */

  function setupDrawing(svg, details) {
    if (svg.hasAttribute("data-cmr-ready")) return;
    svg.setAttribute("data-cmr-ready", "");
    var nodes = {};
    var order = [];
    each(svg.querySelectorAll(".cmr-node"), function (group) {
      var id = group.getAttribute("data-node");
      var link = group.querySelector("a");
      var target = link || group;
      if (!link) {
        group.setAttribute("tabindex", "0");
        group.setAttribute("role", "button");
        group.setAttribute("aria-label", nodeLabel(group));
      }
      var box = group.querySelector("rect");
      nodes[id] = { id: id, group: group, target: target, edges: [], out: [], inn: [] };
      order.push({ id: id, x: box ? +box.getAttribute("x") : 0, y: box ? +box.getAttribute("y") : 0 });
    });
    order.sort(function (a, b) { return a.y - b.y || a.x - b.x; });
    order = order.map(function (item) { return item.id; });
    each(svg.querySelectorAll(".cmr-edge"), function (edge) {
      var source = nodes[edge.getAttribute("data-source")];
      var target = nodes[edge.getAttribute("data-target")];
      if (!source || !target) return;
      source.edges.push(edge);
      if (target !== source) target.edges.push(edge);
      if (source.out.indexOf(target.id) < 0) source.out.push(target.id);
      if (target.inn.indexOf(source.id) < 0) target.inn.push(source.id);
      // One line with a head at each end stands for both directions.
      if (edge.hasAttribute("data-two-way")) {
        if (target.out.indexOf(source.id) < 0) target.out.push(source.id);
        if (source.inn.indexOf(target.id) < 0) source.inn.push(target.id);
      }
    });

    var selected = null;
    var lit = [];

    function clear() {
      lit.forEach(function (element) { element.classList.remove("cmr-is-lit"); });
      lit = [];
      svg.classList.remove("cmr-graph--lit");
    }

    function light(id) {
      clear();
      var node = nodes[id];
      if (!node) return;
      var mark = function (element) { element.classList.add("cmr-is-lit"); lit.push(element); };
      mark(node.group);
      // Only the edges shown (the key may hide a kind) and the boxes at their other ends.
      node.edges.forEach(function (edge) {
        if (!edge.getClientRects().length) return;
        mark(edge);
        [edge.getAttribute("data-source"), edge.getAttribute("data-target")].forEach(function (end) {
          if (end !== id && nodes[end] && !nodes[end].group.classList.contains("cmr-is-lit")) mark(nodes[end].group);
        });
      });
      svg.classList.add("cmr-graph--lit");
    }

    function rest() {
      if (selected) light(selected);
      else clear();
    }
    // A kind shown or hidden with the key: the selection lights what is shown now.
    var kindScope = kindsScope(svg);
    if (kindScope) kindScope.addEventListener("cmr-kinds", rest);

    function describe(id) {
      if (!details) return;
      details.textContent = "";
      if (!id) return;
      var node = nodes[id];
      var heading = document.createElement("p");
      var strong = document.createElement("strong");
      strong.textContent = nodeLabel(node.group);
      heading.appendChild(document.createTextNode("Selected: "));
      heading.appendChild(strong);
      var href = nodeHref(node.group);
      if (href) {
        heading.appendChild(document.createTextNode(" ("));
        var open = document.createElement("a");
        open.href = href;
        open.textContent = "open its page";
        heading.appendChild(open);
        heading.appendChild(document.createTextNode(")"));
      }
      details.appendChild(heading);
      [["Switches to", node.out], ["Reached from", node.inn]].forEach(function (part) {
        var others = part[1].filter(function (other) { return other !== id; });
        var line = document.createElement("p");
        line.textContent = part[0] + ": " + (others.length ? "" : "none.");
        details.appendChild(line);
        if (!others.length) return;
        var list = document.createElement("ul");
        others.forEach(function (other) {
          var item = document.createElement("li");
          var otherHref = nodeHref(nodes[other].group);
          var label = nodeLabel(nodes[other].group);
          if (otherHref) {
            var link = document.createElement("a");
            link.href = otherHref;
            link.textContent = label;
            item.appendChild(link);
          } else {
            item.textContent = label;
          }
          list.appendChild(item);
        });
        details.appendChild(list);
      });
    }

    function select(id) {
      if (selected && nodes[selected]) nodes[selected].group.classList.remove("cmr-is-selected");
      selected = id;
      if (id) nodes[id].group.classList.add("cmr-is-selected");
      svg.setAttribute("data-cmr-selected", id || "");
      rest();
      describe(id);
    }

    Object.keys(nodes).forEach(function (id) {
      var node = nodes[id];
      node.group.addEventListener("mouseenter", function () { light(id); });
      node.group.addEventListener("mouseleave", rest);
      node.target.addEventListener("focus", function () { light(id); });
      node.target.addEventListener("blur", rest);
      node.target.addEventListener("click", function (event) {
        // First activation selects; activating the selected node follows its link.
        if (selected === id && node.target !== node.group) return;
        event.preventDefault();
        event.stopPropagation();
        select(selected === id ? null : id);
      }, true);
      node.target.addEventListener("keydown", function (event) {
        var index = order.indexOf(id);
        var next = null;
        if (event.key === "ArrowRight" || event.key === "ArrowDown") next = order[index + 1];
        else if (event.key === "ArrowLeft" || event.key === "ArrowUp") next = order[index - 1];
        else if (event.key === "Home") next = order[0];
        else if (event.key === "End") next = order[order.length - 1];
        else if (event.key === "Escape" && selected) {
          event.preventDefault();
          select(null);
          return;
        } else if ((event.key === " " || event.key === "Enter") && node.target === node.group) {
          event.preventDefault();
          select(selected === id ? null : id);
          return;
        } else if (event.key === " ") {
          event.preventDefault();
          node.target.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true }));
          return;
        } else {
          return;
        }
        event.preventDefault();
        if (next) nodes[next].target.focus();
      });
    });
  }

  /* ---------------------------------------------------------------- pan and zoom */

  function setupView(view) {
    if (view.hasAttribute("data-cmr-ready")) return;
    view.setAttribute("data-cmr-ready", "");
    var viewport = view.querySelector(".cmr-graph-viewport");
    var details = view.querySelector(".cmr-graph-details");
    var output = view.querySelector(".cmr-graph-scale");
    var toolbar = view.querySelector(".cmr-graph-toolbar");
    var drawings = viewport ? viewport.querySelectorAll("svg.cmr-graph") : [];
    each(drawings, function (svg) { setupDrawing(svg, details); });
    if (!viewport || !drawings.length) return;
    // A hair above 12 / 13: the browser rounds the scaled font size.
    var smallest = (MIN_LABEL + 0.05) / FONT_SIZE;
    var scale = 1;

    function fit() {
      // Only the drawings shown count: a phone shows the narrow layout, a wider screen the wide one.
      var widest = 0;
      each(drawings, function (svg) {
        if (svg.getClientRects().length) widest = Math.max(widest, +svg.getAttribute("width") || 0);
      });
      var room = viewport.clientWidth - 16;
      return Math.max(smallest, Math.min(1, widest ? room / widest : 1));
    }

    function zoom(next, originX, originY) {
      next = Math.max(0.25, Math.min(4, next));
      if (originX === undefined) {
        originX = viewport.clientWidth / 2;
        originY = viewport.clientHeight / 2;
      }
      var ratio = next / scale;
      var left = (viewport.scrollLeft + originX) * ratio - originX;
      var top = (viewport.scrollTop + originY) * ratio - originY;
      scale = next;
      each(drawings, function (svg) {
        svg.style.width = (+svg.getAttribute("width") * scale) + "px";
        svg.style.height = (+svg.getAttribute("height") * scale) + "px";
      });
      viewport.scrollLeft = left;
      viewport.scrollTop = top;
      view.setAttribute("data-cmr-scale", scale.toFixed(3));
      if (output) output.textContent = Math.round(scale * 100) + "%";
    }

    if (toolbar) {
      toolbar.hidden = false;
      each(toolbar.querySelectorAll("[data-cmr-zoom]"), function (button) {
        button.addEventListener("click", function () {
          var action = button.getAttribute("data-cmr-zoom");
          if (action === "in") zoom(scale * 1.25);
          else if (action === "out") zoom(scale / 1.25);
          else if (action === "fit") zoom(fit());
          else zoom(1);
        });
      });
    }
    viewport.addEventListener("wheel", function (event) {
      if (!event.ctrlKey && !event.metaKey) return;
      event.preventDefault();
      var bounds = viewport.getBoundingClientRect();
      zoom(scale * (event.deltaY < 0 ? 1.1 : 1 / 1.1), event.clientX - bounds.left, event.clientY - bounds.top);
    }, { passive: false });
    viewport.addEventListener("keydown", function (event) {
      if (event.target !== viewport) return;
      if (event.key === "+" || event.key === "=") zoom(scale * 1.25);
      else if (event.key === "-") zoom(scale / 1.25);
      else if (event.key === "0") zoom(1);
      else return;
      event.preventDefault();
    });
    var drag = null;
    viewport.addEventListener("pointerdown", function (event) {
      if (event.pointerType !== "mouse" || event.button !== 0) return;
      if (event.target.closest && event.target.closest(".cmr-node")) return;
      drag = { x: event.clientX, y: event.clientY, left: viewport.scrollLeft, top: viewport.scrollTop };
      viewport.classList.add("cmr-is-panning");
      viewport.setPointerCapture(event.pointerId);
    });
    viewport.addEventListener("pointermove", function (event) {
      if (!drag) return;
      viewport.scrollLeft = drag.left - (event.clientX - drag.x);
      viewport.scrollTop = drag.top - (event.clientY - drag.y);
    });
    var stop = function () {
      drag = null;
      viewport.classList.remove("cmr-is-panning");
    };
    viewport.addEventListener("pointerup", stop);
    viewport.addEventListener("pointercancel", stop);
    zoom(fit());
  }

  /* ---------------------------------------------------------------- the key's toggles */

  // Each entry of a key is a button that shows or hides its kind of edge in the drawings
  // around it: the kinds hidden are listed in data-cmr-hide on the view (or on the drawings'
  // wrapper), which the stylesheet reads.
  // Where a key's toggles act: the graph page's view, or a mode page's drawings with their key.
  function kindsScope(element) {
    return element.closest("[data-cmr-graph-view]") || element.closest(".cmr-graphs");
  }

  function setupKindToggle(button) {
    if (button.hasAttribute("data-cmr-ready")) return;
    button.setAttribute("data-cmr-ready", "");
    var scope = kindsScope(button);
    if (!scope) return;
    function hiddenKinds() {
      var kinds = [];
      each(scope.querySelectorAll("button[data-cmr-kind]"), function (other) {
        if (other.getAttribute("aria-pressed") === "false") kinds.push(other.getAttribute("data-cmr-kind"));
      });
      return kinds.join(" ");
    }
    scope.setAttribute("data-cmr-hide", hiddenKinds());
    button.addEventListener("click", function () {
      var shown = button.getAttribute("aria-pressed") !== "false";
      button.setAttribute("aria-pressed", shown ? "false" : "true");
      scope.setAttribute("data-cmr-hide", hiddenKinds());
      scope.dispatchEvent(new Event("cmr-kinds"));
    });
  }

  /* ---------------------------------------------------------------- wiring */

  function setup() {
    each(document.querySelectorAll("button[data-cmr-kind]"), setupKindToggle);
    each(document.querySelectorAll("[data-cmr-graph-view]"), setupView);
    each(document.querySelectorAll("svg.cmr-graph"), function (svg) { setupDrawing(svg, null); });
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setup);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
