--[[
The Quarto subset the Market Position Statement uses, for plain pandoc (helpers.render's engine):
  * `::: {.content-visible when-format="html"}` / `.content-hidden`, also `unless-format` and spans;
    "pdf" and "typst" both mean the Typst/PDF output, "html" means html/html5
  * callouts `::: {.callout-note|tip|important|warning|caution}` with a `title="..."` attribute
    or a first heading as title
  * `fig-alt="..."` on images: the HTML alt attribute; in Typst, `image(..., alt: "...")`
  * `@sec-id` cross-references to headings: a link labelled with the heading's text
  * Quarto-only attributes (fig-*, tbl-*, layout*) are dropped; callouts keep only their id.
  * HTML: every table sits in a scroll region named by its caption (role="region", tabindex="0"), so a wide
    table scrolls by itself, by keyboard too, and never makes the page scroll sideways.
]]

local TYPST = FORMAT == "typst"

local FORMAT_ALIASES = {
  html = { html = true, html4 = true, html5 = true },
  pdf = { typst = true, latex = true },
  typst = { typst = true },
}

local CALLOUT_COLOURS = { -- Typst block colours: { border, fill }
  note = { "#1d70b8", "#f3f8fc" },
  tip = { "#00703c", "#f0f7f3" },
  important = { "#b3261e", "#fdf1f0" },
  warning = { "#b3261e", "#fdf1f0" },
  caution = { "#a05a00", "#fdf5ea" },
}

local QUARTO_ONLY = { "^fig%-", "^tbl%-", "^layout" }

local function is_format(name)
  local aliases = FORMAT_ALIASES[name]
  return name == FORMAT or (aliases ~= nil and aliases[FORMAT] == true)
end

-- The element without its Quarto-only attributes, or nil when it has none: a filter returning nil leaves the
-- element as it was without pandoc reading it back from Lua (most elements have none; reading back is the cost).
local function strip_quarto_attributes(el)
  local quarto_keys = {}
  for key, _ in pairs(el.attributes) do
    for _, pattern in ipairs(QUARTO_ONLY) do
      if key:match(pattern) then
        table.insert(quarto_keys, key)
        break
      end
    end
  end
  if #quarto_keys == 0 then
    return nil
  end
  for _, key in ipairs(quarto_keys) do
    el.attributes[key] = nil
  end
  return el
end

-- content-visible / content-hidden: nil when the element is neither, else its content or {}.
local function conditional_content(el)
  local visible = el.classes:includes("content-visible")
  if not visible and not el.classes:includes("content-hidden") then
    return nil
  end
  local when, unless = el.attributes["when-format"], el.attributes["unless-format"]
  local condition = (when == nil or is_format(when)) and (unless == nil or not is_format(unless))
  return (visible == condition) and el.content or {}
end

local function typst_string(s)
  return '"' .. s:gsub("\\", "\\\\"):gsub('"', '\\"') .. '"'
end

-- A pandoc/HTML length ("90%", "5cm", "300px", "300") as a Typst length.
local function typst_length(value)
  local number, unit = value:match("^%s*([%d%.]+)%s*(%a*%%?)%s*$")
  if number == nil then
    error("quarto_subset.lua: cannot read image size '" .. value .. "'")
  end
  if unit == "" or unit == "px" then
    return string.format("%.3fin", tonumber(number) / 96)
  end
  return number .. unit
end

local function typst_image(img)
  local alt = img.attributes["fig-alt"] or pandoc.utils.stringify(img.caption)
  local args = { typst_string(img.src) }
  for _, key in ipairs({ "width", "height" }) do
    if img.attributes[key] then
      table.insert(args, key .. ": " .. typst_length(img.attributes[key]))
    end
  end
  if alt ~= "" then
    table.insert(args, "alt: " .. typst_string(alt))
  end
  return "image(" .. table.concat(args, ", ") .. ")"
end

-- HTML: a table in a labelled, focusable scroll region.
local table_count = 0
local function Table(tbl)
  if TYPST then
    return strip_quarto_attributes(tbl)
  end
  tbl = strip_quarto_attributes(tbl) or tbl
  table_count = table_count + 1
  local label = pandoc.utils.stringify(tbl.caption.long)
  if label == "" then
    label = "Table " .. table_count
  end
  -- Attributes as a list of pairs, so they are written in this order (a Lua table's order changes from run to run).
  return pandoc.Div({ tbl }, pandoc.Attr("", { "table-scroll" },
    { { "role", "region" }, { "tabindex", "0" }, { "aria-label", label } }))
end

-- Pass 1: collect heading texts for @sec- references.
local section_titles = {}

local function collect_heading(h)
  if h.identifier ~= "" then
    section_titles[h.identifier] = h.content
  end
end

-- Pass 2: conditional content, callouts, images, cross-references.
local function Div(div)
  local content = conditional_content(div)
  if content ~= nil then
    return content
  end
  local kind
  for _, class in ipairs(div.classes) do
    kind = kind or class:match("^callout%-(%a+)$")
  end
  if kind == nil or CALLOUT_COLOURS[kind] == nil then
    return strip_quarto_attributes(div)
  end
  local body = div.content
  local title = div.attributes["title"] and pandoc.Inlines(div.attributes["title"])
  if title == nil and #body > 0 and body[1].t == "Header" then
    title = body:remove(1).content
  end
  title = title or pandoc.Inlines(kind:sub(1, 1):upper() .. kind:sub(2))
  if TYPST then
    local colours = CALLOUT_COLOURS[kind]
    local open = string.format(
      '#block(width: 100%%, inset: 8pt, radius: 2pt, fill: rgb("%s"), stroke: (left: 4pt + rgb("%s")))[',
      colours[2], colours[1])
    return { pandoc.RawBlock("typst", open), pandoc.Para({ pandoc.Strong(title) }) }
      .. body .. { pandoc.RawBlock("typst", "]") }
  end
  return pandoc.Div({
    pandoc.Div(pandoc.Plain({ pandoc.Strong(title) }), { class = "callout-title-container" }),
    pandoc.Div(body, { class = "callout-body-container callout-body" }),
  }, pandoc.Attr(div.identifier, { "callout", "callout-" .. kind, "callout-titled" }, { role = "note" }))
end

local function Span(span)
  return conditional_content(span) or strip_quarto_attributes(span)
end

local function Image(img)
  if TYPST then
    return pandoc.RawInline("typst", "#box(" .. typst_image(img) .. ")")
  end
  if img.attributes["fig-alt"] then
    img.caption = pandoc.Inlines(img.attributes["fig-alt"])
    return strip_quarto_attributes(img) or img
  end
  return strip_quarto_attributes(img)
end

-- In Typst a figure's image is placed directly, not boxed like an inline image.
local function Figure(fig)
  if TYPST then
    fig.content = fig.content:walk({
      Image = function(img) return pandoc.RawInline("typst", "#" .. typst_image(img)) end,
    })
    return strip_quarto_attributes(fig) or fig
  end
  return strip_quarto_attributes(fig)
end

local function Cite(cite)
  local id = cite.citations[1].id
  if #cite.citations == 1 and id:match("^sec%-") and section_titles[id] then
    return pandoc.Link(section_titles[id], "#" .. id)
  end
end

return {
  { Header = collect_heading },
  { Div = Div, Span = Span, Figure = Figure, Table = Table },
  { Image = Image, Cite = Cite },
}
