import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium")


@app.cell
def _():
    import marimo as mo

    import respnb

    mo.md(
        "# respnb in marimo\n\n"
        "`respnb.respond(prompt, **options)` is `%%respond` as a function: the same options, "
        "the answer streaming live into a widget. With no key configured it uses respnb's own "
        "offline server."
    )
    return (respnb,)


@app.cell
def _(respnb):
    def get_weather(city: str) -> str:
        """The weather in a city."""
        return f"sunny in {city}"

    # the views (one per request of the tool loop) stream into this cell's output
    answer = respnb.respond(
        "What is the weather in Paris? Explain the Responses API in two sentences.",
        tools=[get_weather],
    )
    return (answer,)


@app.cell
def _(answer):
    answer.result.output_text[:200]
    return


if __name__ == "__main__":
    app.run()
