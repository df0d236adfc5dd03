/// The web page served at `/`: one self-contained HTML document (markup, style and script), so
/// the server needs no resource files.
///
/// It talks only to the public API: `POST /v1/identify` for a photo, `POST /v1/people` and
/// `POST /v1/people/{id}/faces` to enrol a face, `GET /v1/people` and `DELETE /v1/people/{id}`.
/// Elements tests rely on: `#file`, `#drop`, `#photo`, `.face-box[data-index]` with
/// `.face-label`, `#enrol-name`, `.enrol-button[data-index]`, `#people li[data-id]` with
/// `.delete-button`, `#status`, `#api-key`.
enum WebPage {
    /// The complete page.
    static var html: String {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Visage</title>
        <style>\(style)</style>
        </head>
        <body>
        <header><h1>Visage</h1>
        <label>API key <input id="api-key" type="password" autocomplete="off" placeholder="(none)"></label>
        </header>
        <main>
        <section id="viewer">
          <div id="drop" tabindex="0">Drop a photo here or <label class="button">open one<input id="file" type="file" accept="image/*"></label></div>
          <div id="stage"><img id="photo" alt=""><div id="boxes"></div></div>
          <div id="enrol">
            <label>Name <input id="enrol-name" placeholder="Name for the selected face"></label>
            <span class="hint">then press “Enrol” on a face</span>
          </div>
          <p id="status" role="status">Open a photo to find faces.</p>
        </section>
        <section id="gallery">
          <h2>People <button id="refresh" type="button">Refresh</button></h2>
          <ul id="people"></ul>
        </section>
        </main>
        <script>\(script)</script>
        </body>
        </html>
        """
    }

    private static let style = """
    body{font-family:system-ui,sans-serif;margin:0;background:#f6f7f9;color:#222}
    header{display:flex;justify-content:space-between;align-items:center;padding:.5rem 1rem;background:#234;color:#fff}
    header h1{font-size:1.3rem;margin:0}
    main{display:flex;gap:1rem;padding:1rem;flex-wrap:wrap}
    #viewer{flex:3;min-width:320px}#gallery{flex:1;min-width:220px}
    #drop{border:2px dashed #89a;padding:1rem;text-align:center;border-radius:.5rem;background:#fff}
    #drop.over{background:#e6f0ff}
    #file{display:none}.button{color:#0645ad;text-decoration:underline;cursor:pointer}
    #stage{position:relative;display:inline-block;margin-top:1rem;max-width:100%}
    #photo{max-width:100%;display:block}
    .face-box{position:absolute;border:2px solid #e33;box-sizing:border-box}
    .face-box.known{border-color:#2a2}
    .face-label{position:absolute;left:-2px;top:100%;background:#e33;color:#fff;font-size:.8rem;padding:0 .3rem;white-space:nowrap}
    .face-box.known .face-label{background:#2a2}
    .enrol-button{position:absolute;right:-2px;bottom:100%;font-size:.7rem}
    #people{list-style:none;padding:0}#people li{display:flex;justify-content:space-between;padding:.3rem 0;border-bottom:1px solid #ddd}
    #status{color:#555}#status.error{color:#b00}
    """

    private static let script = """
    'use strict';
    const $ = (s) => document.querySelector(s);
    const keyInput = $('#api-key');
    keyInput.value = localStorage.getItem('visage-key') || '';
    keyInput.addEventListener('change', () => { localStorage.setItem('visage-key', keyInput.value); loadPeople(); });
    let current = null;

    function headers(extra) {
      const h = Object.assign({}, extra || {});
      if (keyInput.value) h['X-API-Key'] = keyInput.value;
      return h;
    }
    function status(text, isError) { const s = $('#status'); s.textContent = text; s.className = isError ? 'error' : ''; }
    async function call(method, path, body, type) {
      const init = {method, headers: headers(type ? {'Content-Type': type} : {})};
      if (body !== undefined) init.body = body;
      const response = await fetch(path, init);
      if (response.status === 204) return null;
      const data = await response.json();
      if (!response.ok) throw new Error((data.error && data.error.code) + ': ' + (data.error && data.error.message));
      return data;
    }

    async function openPhoto(file) {
      current = file;
      $('#photo').src = URL.createObjectURL(file);
      await identify();
    }
    async function identify() {
      if (!current) return;
      status('Looking for faces…');
      $('#boxes').innerHTML = '';
      try {
        const result = await call('POST', '/v1/identify', current, current.type || 'application/octet-stream');
        drawFaces(result);
        const named = result.faces.filter((f) => f.person).length;
        status(result.faces.length + ' face(s), ' + named + ' recognised.');
      } catch (error) { status(error.message, true); }
    }
    function drawFaces(result) {
      const boxes = $('#boxes');
      boxes.innerHTML = '';
      result.faces.forEach((face, index) => {
        const b = face.box, div = document.createElement('div');
        div.className = 'face-box' + (face.person ? ' known' : '');
        div.dataset.index = index;
        div.style.left = (100 * b.left / result.width) + '%';
        div.style.top = (100 * b.top / result.height) + '%';
        div.style.width = (100 * (b.right - b.left) / result.width) + '%';
        div.style.height = (100 * (b.bottom - b.top) / result.height) + '%';
        const label = document.createElement('span');
        label.className = 'face-label';
        label.textContent = face.person ? face.person.name : 'unknown';
        div.appendChild(label);
        const button = document.createElement('button');
        button.className = 'enrol-button'; button.type = 'button'; button.dataset.index = index;
        button.textContent = 'Enrol';
        button.addEventListener('click', () => enrol(index));
        div.appendChild(button);
        boxes.appendChild(div);
      });
    }
    async function enrol(index) {
      const name = $('#enrol-name').value.trim();
      if (!name) { status('Type a name first.', true); return; }
      try {
        const people = (await call('GET', '/v1/people')).people;
        let person = people.find((p) => p.name === name);
        if (!person) person = await call('POST', '/v1/people', JSON.stringify({name}), 'application/json');
        const form = new FormData();
        form.append('image', current, current.name || 'photo');
        form.append('face', String(index));
        await call('POST', '/v1/people/' + person.id + '/faces', form);
        status('Enrolled face ' + index + ' as ' + name + '.');
        await loadPeople();
        await identify();
      } catch (error) { status(error.message, true); }
    }
    async function loadPeople() {
      const list = $('#people');
      try {
        const people = (await call('GET', '/v1/people')).people;
        list.innerHTML = '';
        for (const p of people) {
          const li = document.createElement('li');
          li.dataset.id = p.id;
          const name = document.createElement('span');
          name.className = 'person-name'; name.textContent = p.name + ' (' + p.faceCount + ')';
          const del = document.createElement('button');
          del.className = 'delete-button'; del.type = 'button'; del.textContent = 'Delete';
          del.addEventListener('click', () => removePerson(p));
          li.append(name, del);
          list.appendChild(li);
        }
        list.dataset.loaded = 'true';
      } catch (error) { status(error.message, true); }
    }
    async function removePerson(p) {
      try {
        await call('DELETE', '/v1/people/' + p.id);
        status('Deleted ' + p.name + '.');
        await loadPeople();
        await identify();
      } catch (error) { status(error.message, true); }
    }

    $('#file').addEventListener('change', (e) => { if (e.target.files[0]) openPhoto(e.target.files[0]); });
    const drop = $('#drop');
    drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
    drop.addEventListener('dragleave', () => drop.classList.remove('over'));
    drop.addEventListener('drop', (e) => {
      e.preventDefault(); drop.classList.remove('over');
      if (e.dataTransfer.files[0]) openPhoto(e.dataTransfer.files[0]);
    });
    $('#refresh').addEventListener('click', loadPeople);
    loadPeople();
    """
}
