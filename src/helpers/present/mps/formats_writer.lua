--[[
The pandoc engine's writer (helpers.present.render): the statement is parsed once, by pandoc's own Markdown
reader under --sandbox, and this custom writer writes that one document to every format asked for, as
`pandoc --to=html5|typst --standalone` would have written it from its own parse of the same text:

  * per format, a fresh copy of the document gets that format's project metadata (see below), goes through
    quarto_subset.lua with FORMAT set to the format (the filter's Quarto subset, e.g. `.content-visible
    when-format="html"`, depends on it), then through pandoc's writer with the options the command line would
    have given it (template, css, header-includes, toc, toc-depth, number-sections, section-divs, no wrapping);
  * _quarto.yml's metadata for a format arrives in the document under the settings' metadata_key (render puts
    it in a YAML block ahead of the text, so pandoc's reader parses it like any other metadata); a key the
    document sets itself wins, as it did when that block was parsed ahead of the document for one format.

Its settings come from render as JSON in the environment variable CAREMARKET_PANDOC_WRITER:
  { "filter": path, "metadata_key": key, "formats": [{ "name": "html", "writer": "html5",
    "template": path (absent: pandoc's default), "css": [...], "header_includes": [path, ...], "toc": bool,
    "toc_depth": n (absent: pandoc's default), "number_sections": bool, "section_divs": bool }, ...] }
The paths are files inside the project, checked by render. The writer returns one JSON object { name: text }.
The writers' warnings print on stderr as `[WARNING] ...`: render fails on them, as `--fail-if-warnings` makes
pandoc fail on the reader's.
]]

local settings = pandoc.json.decode(assert(os.getenv("CAREMARKET_PANDOC_WRITER"),
  "formats_writer.lua: CAREMARKET_PANDOC_WRITER is not set"), false)

local function read_file(path)
  local file = assert(io.open(path, "rb"))
  local text = file:read("a")
  file:close()
  return text
end

-- quarto_subset.lua's filters as the format's `--lua-filter` would see them: a fresh load (its counters start
-- at zero) with the global FORMAT of that format.
local function subset_filters(writer)
  local env = setmetatable({ FORMAT = writer }, { __index = _G })
  return assert(loadfile(settings.filter, "t", env))()
end

local function reserved(value)
  if value ~= nil and pandoc.utils.type(value) ~= "table" then
    error("formats_writer.lua: metadata '" .. settings.metadata_key .. "' is reserved for _quarto.yml's options")
  end
  return value
end

-- The format's _quarto.yml metadata, for each key the document does not set itself.
local function with_project_metadata(doc, metadata)
  for key, value in pairs(reserved(metadata) or {}) do
    if doc.meta[key] == nil then
      doc.meta[key] = value
    end
  end
  return doc
end

local function writer_options(format)
  local template = format.template and pandoc.template.compile(read_file(format.template), format.template)
    or pandoc.template.compile(pandoc.template.default(format.writer))
  local variables = {}
  if #format.css > 0 then
    variables["css"] = format.css
  end
  if #format.header_includes > 0 then
    local headers = {}
    for _, path in ipairs(format.header_includes) do
      table.insert(headers, read_file(path))
    end
    variables["header-includes"] = headers
  end
  local options = {
    template = template,
    variables = variables,
    table_of_contents = format.toc,
    number_sections = format.number_sections,
    section_divs = format.section_divs,
    wrap_text = "wrap-none",
  }
  if format.toc_depth ~= nil then
    options.toc_depth = format.toc_depth
  end
  return options
end

function Writer(doc, opts)
  local project_metadata = reserved(doc.meta[settings.metadata_key])
  doc.meta[settings.metadata_key] = nil
  local written = {}
  for _, format in ipairs(settings.formats) do
    local copy = with_project_metadata(doc:clone(), project_metadata and project_metadata[format.name])
    for _, filter in ipairs(subset_filters(format.writer)) do
      copy = copy:walk(filter)
    end
    written[format.name] = pandoc.write(copy, format.writer, writer_options(format))
  end
  return pandoc.json.encode(written)
end
